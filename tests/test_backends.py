"""ember.backends: the flags scripts set (``torch.backends.cudnn.benchmark = True``) are accepted and read
back as in torch; availability answers describe Ember's own engine."""
import pytest
import torch

import ember


def test_flag_defaults_match_torch():
    for mod in ("cudnn", "mkldnn"):
        for flag in ("enabled", "deterministic", "allow_tf32", "fp32_precision"):
            assert getattr(getattr(ember.backends, mod), flag) == getattr(getattr(torch.backends, mod), flag)
    assert ember.backends.cudnn.benchmark is torch.backends.cudnn.benchmark is False
    for flag in ("allow_tf32", "allow_fp16_reduced_precision_reduction", "allow_bf16_reduced_precision_reduction"):
        assert getattr(ember.backends.cuda.matmul, flag) == getattr(torch.backends.cuda.matmul, flag)
    for name in ("flash_sdp_enabled", "mem_efficient_sdp_enabled", "math_sdp_enabled", "cudnn_sdp_enabled"):
        assert getattr(ember.backends.cuda, name)() == getattr(torch.backends.cuda, name)()
    assert ember.backends.mha.get_fastpath_enabled() is torch.backends.mha.get_fastpath_enabled()
    assert ember.backends.cpu.get_cpu_capability() == torch.backends.cpu.get_cpu_capability()
    assert ember.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert ember.backends.cudnn.is_available() is False and ember.backends.cudnn.version() is None


def test_flags_set_and_restore():
    cudnn = ember.backends.cudnn
    cudnn.benchmark = True
    try:
        assert ember.backends.cudnn.benchmark is True
        with cudnn.flags(enabled=False, deterministic=True):
            assert cudnn.enabled is False and cudnn.deterministic is True and cudnn.benchmark is False
        assert cudnn.enabled is True and cudnn.deterministic is False and cudnn.benchmark is True
    finally:
        cudnn.benchmark = False
    ember.backends.cuda.enable_flash_sdp(False)
    assert not ember.backends.cuda.flash_sdp_enabled()
    ember.backends.cuda.enable_flash_sdp(True)
    with pytest.warns(FutureWarning, match="sdp_kernel"):
        with ember.backends.cuda.sdp_kernel(enable_math=False):
            assert not ember.backends.cuda.math_sdp_enabled()
    assert ember.backends.cuda.math_sdp_enabled()


def test_matmul_module_refuses_unknown_attributes():
    for m in (ember, torch):
        with pytest.raises(AttributeError, match="Unknown attribute foo"):
            m.backends.cuda.matmul.foo = 1
        with pytest.raises(AttributeError, match="Unknown attribute foo"):
            m.backends.cuda.matmul.foo
    ember.backends.cuda.matmul.allow_tf32 = True
    assert ember.backends.cuda.matmul.allow_tf32 is True
    ember.backends.cuda.matmul.allow_tf32 = False


def test_importable_like_torch():
    import ember.backends.cudnn as cudnn
    import ember.backends.mkldnn  # noqa: F401
    assert cudnn is ember.backends.cudnn
