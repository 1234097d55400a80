"""The op library: ``ember``'s tensor, autograd and op functions, imported on first use.

``import ember`` loads only the dtypes; the first access to any other name of ``ember`` (or the first
import of an op module, see ``ember/_ops/__init__.py``) runs this module once, and ``ember`` publishes
every name it defines.  The imports below keep the order and shadowing of a plain ``from ... import *``
sequence: later modules win.
"""
from ._device import device  # noqa: F401
from ._tensor import Tensor, Size  # noqa: F401
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,  # noqa: F401
                                 is_grad_enabled, is_inference_mode_enabled)
from . import autograd  # noqa: F401

# op modules: importing them defines the functions and binds Tensor methods/operators
from ._ops import elementwise as _elementwise, views as _views, reduction as _reduction  # noqa: E402
from ._ops import creation as _creation, conversion as _conversion  # noqa: E402
from ._ops.elementwise import *  # noqa: E402,F401,F403
from ._ops.views import *  # noqa: E402,F401,F403
from ._ops.reduction import *  # noqa: E402,F401,F403
from ._ops.creation import *  # noqa: E402,F401,F403
from ._ops.conversion import equal, isclose, allclose  # noqa: E402,F401
from ._ops.indexing import *  # noqa: E402,F401,F403
from ._ops.joining import *  # noqa: E402,F401,F403
from ._ops.sorting import *  # noqa: E402,F401,F403
from ._ops.blas import *  # noqa: E402,F401,F403
from ._ops.random_ops import *  # noqa: E402,F401,F403
from ._ops.linalg_legacy import *  # noqa: E402,F401,F403
from ._legacy import *  # noqa: E402,F401,F403
from ._tensor_str import set_printoptions  # noqa: E402,F401
from ._memory_format import (contiguous_format, channels_last, channels_last_3d,  # noqa: E402,F401
                             preserve_format, memory_format)
from ._ops.elementwise import abs, round, pow  # noqa: E402,F401  (shadow the builtins, as torch does)
from ._ops.reduction import sum, max, min, any, all  # noqa: E402,F401
from ._ops.creation import range, complex  # noqa: E402,F401
from ._storage import UntypedStorage, TypedStorage  # noqa: E402,F401
from . import return_types  # noqa: E402,F401
from .utils import dlpack as _dlpack  # noqa: E402,F401  (gives Tensor __dlpack__ for np/torch.from_dlpack)
from ._ops.conv import *  # noqa: E402,F401,F403
from ._ops.inplace_functions import *  # noqa: E402,F401,F403
from ._ops.view_copies import *  # noqa: E402,F401,F403
from ._ops.numeric import *  # noqa: E402,F401,F403
from ._ops.statistics import *  # noqa: E402,F401,F403
from ._ops.index_utils import *  # noqa: E402,F401,F403
from ._flags import *  # noqa: E402,F401,F403
from ._ops.spectral import *  # noqa: E402,F401,F403

import sys as _sys  # noqa: E402

_sys.modules["ember"]._publish(globals())
