"""``ember.utils`` (≙ torch.utils): data, tensorboard, dlpack, hooks, checkpoint, ..."""
import importlib


def __getattr__(name):
    if name in ("data", "tensorboard", "dlpack", "hooks", "checkpoint", "model_zoo", "safetensors"):
        mod = importlib.import_module("." + name, __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
