"""ember.compat and ``python -m ember run``: unmodified PyTorch programs run on ember with the same results.

Each program in tests/torch_scripts/ is run twice in subprocesses -- with real torch, and via
``python -m ember run`` -- and the printed outputs must agree: the same text, numbers equal to float32
tolerance (same seed => same initial weights, same data order => same losses)."""
import os
import re
import subprocess
import sys
import textwrap

import pytest

import ember

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(HERE, "torch_scripts")
ROOT = os.path.dirname(HERE)
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
ENV = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}


def run(args, cwd=ROOT, check=True):
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=ENV, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


# (script, args, ember API it needs)
PROGRAMS = [
    ("mlp_regression.py", ["--epochs", "2", "--lr", "0.05"], None),
    ("classifier.py", [], None),
    ("cnn.py", [], "Conv2d"),
    ("char_lstm.py", [], "LSTM"),
    ("transformer.py", [], "TransformerEncoderLayer"),
]


@pytest.mark.parametrize("script, args, needs", PROGRAMS, ids=[p[0] for p in PROGRAMS])
def test_torch_script_same_results(script, args, needs):
    if needs is not None and not hasattr(ember.nn, needs):
        pytest.skip(f"ember.nn.{needs} not available yet")
    path = os.path.join(SCRIPTS, script)
    procs = [subprocess.Popen([sys.executable, *cmd, path, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, env=ENV) for cmd in ([], ["-m", "ember", "run"])]
    (torch_out, torch_err), (ember_out, ember_err) = (p.communicate(timeout=300) for p in procs)
    assert procs[0].returncode == 0, torch_err
    assert procs[1].returncode == 0, ember_err
    assert NUMBER.sub("#", ember_out) == NUMBER.sub("#", torch_out)
    ours = [float(x) for x in NUMBER.findall(ember_out)]
    theirs = [float(x) for x in NUMBER.findall(torch_out)]
    assert len(ours) == len(theirs) > 3
    assert ours == pytest.approx(theirs, rel=2e-5, abs=2e-6)
    assert "loss" in ember_out


def test_imports_resolve_to_ember():
    code = textwrap.dedent("""
        import sys
        import ember, ember.compat
        ember.compat.install()
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim.lr_scheduler
        from torch.utils.data import DataLoader
        from torch.nn import Linear
        assert torch is ember and nn is ember.nn and F is ember.nn.functional
        assert sys.modules["torch.nn.functional"] is ember.nn.functional
        assert torch.optim.lr_scheduler is ember.optim.lr_scheduler
        assert DataLoader is ember.utils.data.DataLoader and Linear is ember.nn.Linear
        assert isinstance(torch.ones(2), ember.Tensor)
        assert ember.compat.installed()
        print("ok")
    """)
    assert run(["-c", code]).stdout.strip() == "ok"


def test_missing_apis_raise_not_implemented():
    code = textwrap.dedent("""
        import ember.compat
        ember.compat.install()
        import torch

        def expect(fn, *types):
            try:
                fn()
            except NotImplementedError as e:
                assert all(isinstance(e, t) for t in types), type(e).__mro__
                return str(e)
            raise AssertionError("no error")

        print(expect(lambda: torch.no_such_function, AttributeError))
        print(expect(lambda: torch.nn.functional.no_such_op, AttributeError))
        print(expect(lambda: torch.ones(2).no_such_method(), AttributeError))
        assert not hasattr(torch, "no_such_function") and getattr(torch.nn, "NoSuchLayer", 7) == 7
        def from_import():
            from torch.optim import NoSuchOptimizer
        print(expect(from_import, ImportError))
        def import_module():
            import torch.no_such_module
        print(expect(import_module, ModuleNotFoundError))
        def import_vision():
            import torchvision.no_such_module
        print(expect(import_vision, ImportError))
        try:
            import torch.no_such_module
        except ImportError:
            print("fallback ok")
    """)
    out = run(["-c", code]).stdout.splitlines()
    assert out[0] == "ember does not implement torch.no_such_function"
    assert out[1] == "ember does not implement torch.nn.functional.no_such_op"
    assert out[2] == "ember does not implement torch.Tensor.no_such_method"
    assert out[3] == "ember does not implement torch.optim.NoSuchOptimizer"
    assert out[4].startswith("ember does not implement torch.no_such_module")
    assert out[5].startswith("ember does not implement torchvision")
    assert out[6] == "fallback ok"


def test_uninstall_restores_real_torch():
    code = textwrap.dedent("""
        import torch as real
        import ember, ember.compat
        ember.compat.install()
        import torch
        assert torch is ember
        ember.compat.uninstall()
        import torch
        assert torch is real and not ember.compat.installed()
        try:
            ember.no_such_function
        except NotImplementedError:
            raise AssertionError("wrapper left behind")
        except AttributeError:
            pass
        try:
            ember.ones(1).no_such_method
        except NotImplementedError:
            raise AssertionError("wrapper left behind")
        except AttributeError:
            print("ok")
    """)
    assert run(["-c", code]).stdout.strip() == "ok"


def test_run_sets_argv_name_and_path(tmp_path):
    (tmp_path / "helper_mod.py").write_text("VALUE = 41\n")
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        import sys
        import torch
        import helper_mod            # the script's directory is on sys.path, as with `python prog.py`
        print(__name__, sys.argv, torch.__name__, helper_mod.VALUE + 1)
        if __name__ == "__main__":
            sys.exit(3)
    """))
    proc = run(["-m", "ember", "run", str(tmp_path / "prog.py"), "a", "--b=1"], check=False)
    assert proc.returncode == 3
    assert proc.stdout.strip() == f"__main__ {[str(tmp_path / 'prog.py'), 'a', '--b=1']} ember 42"


def test_run_module(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "train.py").write_text("import sys, torch\nprint(__name__, sys.argv[1:], torch.__name__)\n")
    proc = run(["-m", "ember", "run", "-m", "pkg.train", "x", "y"], cwd=str(tmp_path))
    assert proc.stdout.strip() == "__main__ ['x', 'y'] ember"


def test_usage_and_errors(tmp_path):
    assert "usage: python -m ember run" in run(["-m", "ember"]).stdout
    assert run(["-m", "ember", "train"], check=False).returncode == 2
    (tmp_path / "bad.py").write_text("import torch\ntorch.no_such_function()\n")
    proc = run(["-m", "ember", "run", str(tmp_path / "bad.py")], check=False)
    assert proc.returncode == 1
    assert "NotImplementedError" in proc.stderr or "_MissingAttribute" in proc.stderr
    assert "ember does not implement torch.no_such_function" in proc.stderr
