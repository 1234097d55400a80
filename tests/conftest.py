import os
import sys

sys.path.insert(0, os.path.dirname(__file__))


import pytest  # noqa: E402


@pytest.fixture
def fake_cuda(monkeypatch):
    """Install ``fake_cupy`` as ember's CuPy (``ember.cuda._state``, the one place ember imports CuPy and
    cupyx), so ``device='cuda'`` runs on host memory behind CuPy's interface; restored afterwards."""
    import fake_cupy
    import ember.cuda
    fake_cupy.reset()
    monkeypatch.setitem(ember.cuda._state, "cupy", fake_cupy.cupy)
    monkeypatch.setitem(ember.cuda._state, "cupyx", fake_cupy.cupyx)
    monkeypatch.setitem(ember.cuda._state, "tried", True)
    monkeypatch.setitem(ember.cuda._state, "peak", {})
    monkeypatch.setitem(ember.cuda._state, "seed", None)
    return fake_cupy
