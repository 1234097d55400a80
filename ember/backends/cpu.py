"""``torch.backends.cpu``."""
__all__ = ["get_cpu_capability"]


def get_cpu_capability():
    """The widest SIMD level NumPy's kernels dispatch to here: "AVX512", "AVX2" or "DEFAULT" (x86), as torch."""
    from numpy._core._multiarray_umath import __cpu_features__ as feats
    if feats.get("AVX512F") and feats.get("AVX512BW") and feats.get("AVX512VL") and feats.get("AVX512DQ"):
        return "AVX512"
    if feats.get("AVX2") and feats.get("FMA3"):
        return "AVX2"
    if feats.get("ASIMD"):
        return "SVE256" if feats.get("SVE") else "DEFAULT"
    return "DEFAULT"
