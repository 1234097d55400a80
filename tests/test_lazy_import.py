"""``import ember`` loads only the dtypes; the op library loads on first use (``ember/_library.py``).

Each check runs in a fresh interpreter, since the library is loaded once per process."""
import subprocess
import sys

import pytest


def _run(code):
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_import_is_light_and_first_use_loads_everything():
    out = _run("import sys, ember\n"
               "print(sorted(m for m in ('ember._ops.elementwise', 'ember._tensor', 'ember.fft', 'ember.autograd')"
               " if m in sys.modules))\n"
               "print(ember.float32, ember.get_default_dtype())\n"
               "print(ember.add(ember.ones(2), 1).tolist(), 'ember._ops.elementwise' in sys.modules)\n"
               "print('fft' in sys.modules['ember'].__dict__)")
    assert out.splitlines() == ["[]", "torch.float32 torch.float32", "[2.0, 2.0] True", "False"]


@pytest.mark.parametrize("entry", ["import ember.nn as nn", "import ember._ops.views", "import ember.fft",
                                   "from ember._prim import apply", "import ember.autograd"])
def test_any_entry_point_gives_complete_tensors(entry):
    # importing a submodule first (not through ``ember.<name>``) still loads the whole library, so tensors made
    # there have every method and operator
    out = _run(f"{entry}\nimport ember\nfrom ember._tensor import Tensor\n"
               "t = ember._ops.creation.ones(3, requires_grad=True)\n"
               "(t * 2 + t.exp()).sum().backward()\n"
               "print(t.grad.shape, hasattr(Tensor, 'cumsum'), hasattr(Tensor, '__getitem__'), 'stft' in dir(ember))")
    assert out == "torch.Size([3]) True True True"


def test_names_dir_and_star_import():
    out = _run("import ember\n"
               "d = dir(ember)\n"
               "print(all(n in d for n in ('fft', 'nn', 'stft', 'add', 'Tensor', 'save', 'no_grad', 'float32')))\n"
               "from ember import fft, stft, Tensor\n"
               "print(fft.rfft(ember.ones(4)).shape, callable(stft), ember.is_tensor(ember.zeros(1)))\n"
               "ns = {}\nexec('from ember import *', ns)\n"
               "print(all(n in ns for n in ('add', 'sum', 'Tensor', 'float32', 'randn', 'stft')))")
    assert out.splitlines() == ["True", "torch.Size([3]) True True", "True"]


def test_unknown_name_still_raises_attribute_error():
    out = _run("import ember\n"
               "try:\n    ember.no_such_name\nexcept AttributeError as e:\n    print(type(e).__name__, e)\n"
               "print(hasattr(ember, 'no_such_name'), ember.is_tensor(3))")
    assert out.splitlines() == ["AttributeError module 'ember' has no attribute 'no_such_name'", "False False"]
