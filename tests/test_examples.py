"""The examples/ programs, each run end to end in a reduced form (few epochs/steps) in a subprocess.

They must train (loss goes down, accuracy above a threshold), write a checkpoint, resume from it, log to
TensorBoard when it is installed and run without it.  The full LeNet run (>= 95% test accuracy on the
bundled digits) takes about half a minute; it runs when EMBER_FULL_EXAMPLES=1.
"""
import os
import re
import subprocess
import sys

import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")


def run_example(name, *args, cwd, env=None):
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": ROOT, **(env or {})}, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def floats(pattern, text):
    return [float(x) for x in re.findall(pattern, text)]


def logged_losses(logdir, tag="train/loss"):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(logdir, size_guidance={"scalars": 0})
    ea.Reload()
    return [(e.step, e.value) for e in ea.Scalars(tag)]


def test_logistic_regression_trains_checkpoints_and_resumes(tmp_path):
    out = run_example("logistic_regression.py", "--epochs", "2", cwd=tmp_path)
    assert floats(r"test accuracy: ([\d.]+)", out)[0] >= 0.95
    losses = floats(r"test loss ([\d.]+)", out)
    assert losses[1] < losses[0] < 0.6
    assert os.path.exists(tmp_path / "checkpoints" / "logistic_regression.pt")
    assert "tensorboard --logdir runs" in out or "TensorBoard logging off" in out

    out = run_example("logistic_regression.py", "--epochs", "3", "--resume", cwd=tmp_path)
    assert "resumed from checkpoints/logistic_regression.pt (epoch 2 done)" in out
    assert "epoch 1:" not in out and "epoch 3:" in out
    assert floats(r"test loss ([\d.]+)", out)[0] < losses[1]
    ckpt = ember.load(str(tmp_path / "checkpoints" / "logistic_regression.pt"))
    assert ckpt["epoch"] == 2 and set(ckpt["model"]) == {"weight", "bias"}
    steps = [s for s, _ in logged_losses(str(tmp_path / "runs" / "logistic_regression"))]
    assert steps == list(range(75))      # 25 batches per epoch; the resumed run continues the step count


def test_mlp_iris(tmp_path):
    out = run_example("mlp_iris.py", "--epochs", "10", cwd=tmp_path)
    assert floats(r"test accuracy: ([\d.]+)", out)[0] >= 0.9
    log = logged_losses(str(tmp_path / "runs" / "mlp_iris"))
    first, last = [v for _, v in log[:8]], [v for _, v in log[-8:]]
    assert sum(last) < 0.3 * sum(first)
    assert os.path.isdir(tmp_path / "runs" / "mlp_iris" / "hparams")


def test_lenet_short_run(tmp_path):
    out = run_example("lenet_mnist.py", "--epochs", "2", cwd=tmp_path)
    assert "bundled digits" in out
    acc = floats(r"test accuracy ([\d.]+)", out)
    assert acc[-1] >= 0.85 and acc[-1] > acc[0]
    train = floats(r"train loss ([\d.]+)", out)
    assert train[1] < train[0]
    assert os.path.exists(tmp_path / "checkpoints" / "lenet_mnist.pt")
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    ea = EventAccumulator(str(tmp_path / "runs" / "lenet_mnist"), size_guidance={"scalars": 0})
    ea.Reload()
    tags = ea.Tags()
    assert {"train/loss", "test/accuracy"} <= set(tags["scalars"]) and tags["graph"]
    assert "test images" in tags["images"] and "features.0.weight" in tags["histograms"]
    assert [e.value for e in ea.Scalars("test/accuracy")] == pytest.approx(acc, abs=1e-4)


@pytest.mark.skipif(os.environ.get("EMBER_FULL_EXAMPLES") != "1", reason="full LeNet run: set EMBER_FULL_EXAMPLES=1")
def test_lenet_full_run_reaches_95_percent(tmp_path):
    out = run_example("lenet_mnist.py", "--no-tensorboard", cwd=tmp_path)
    assert floats(r"test accuracy: ([\d.]+)", out)[0] >= 0.95
    print("\n".join(line for line in out.splitlines() if line.startswith(("test accuracy:", "training time:"))))


def test_resnet_synthetic(tmp_path):
    out = run_example("resnet_cifar10.py", "--epochs", "2", "--steps", "3", "--batch-size", "32",
                      "--synthetic-size", "96", cwd=tmp_path)
    assert "ResNet-8" in out
    losses = floats(r"train loss ([\d.]+)", out)
    assert len(losses) == 2 and losses[1] < losses[0]
    assert 0.0 <= floats(r"test accuracy: ([\d.]+)", out)[0] <= 1.0
    assert os.path.exists(tmp_path / "checkpoints" / "resnet_cifar10.pt")


@pytest.mark.skipif(not hasattr(ember.nn, "LSTM"), reason="ember.nn.LSTM not available yet")
def test_char_lstm(tmp_path):
    out = run_example("char_lstm.py", "--epochs", "3", "--steps", "4", "--hidden", "64", cwd=tmp_path)
    losses = floats(r"epoch \d+: loss ([\d.]+)", out)
    assert len(losses) == 3 and losses[2] < losses[0] < 4.5
    assert out.count("Shall I ") == 3
    ckpt = ember.load(str(tmp_path / "checkpoints" / "char_lstm.pt"))
    assert len(ckpt["chars"]) > 40


@pytest.mark.skipif(not hasattr(ember.nn, "TransformerEncoder"), reason="ember.nn.TransformerEncoder not available yet")
def test_transformer_classifier(tmp_path):
    out = run_example("transformer_classifier.py", "--epochs", "3", "--train-size", "768", cwd=tmp_path)
    acc = floats(r"test accuracy ([\d.]+)", out)
    assert acc[-1] >= 0.6 and acc[-1] > acc[0]
    losses = floats(r"test loss ([\d.]+)", out)
    assert losses[-1] < losses[0]


def test_runs_without_tensorboard_and_tqdm(tmp_path):
    """The `make demo` environment has neither: logging is skipped with a note, progress is printed."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    for mod in ("tensorboard", "tqdm"):
        (blocker / f"{mod}.py").write_text(f"raise ImportError('No module named {mod}')\n")
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, "logistic_regression.py"), "--epochs", "1"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), ROOT])})
    assert proc.returncode == 0, proc.stderr
    assert "TensorBoard logging off" in proc.stdout and "pip install ember[tensorboard]" in proc.stdout
    assert "epoch 1/1: 25/25 batches" in proc.stdout
    assert not (tmp_path / "runs").exists()
