"""``torch.nn.utils``: gradient clipping and parameter/vector conversion."""
from .clip_grad import (_clip_grads_with_norm_ as clip_grads_with_norm_, _get_total_norm as get_total_norm,  # noqa: F401
                        clip_grad_norm, clip_grad_norm_, clip_grad_value_)
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grads_with_norm_", "clip_grad_value_", "get_total_norm",
           "parameters_to_vector", "vector_to_parameters"]

# ---- packed sequences, weight/spectral normalisation and parametrizations
from . import parametrizations, parametrize, rnn  # noqa: E402,F401
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: E402,F401
from .weight_norm import remove_weight_norm, weight_norm  # noqa: E402,F401

__all__ += ["remove_spectral_norm", "remove_weight_norm", "spectral_norm", "weight_norm"]
