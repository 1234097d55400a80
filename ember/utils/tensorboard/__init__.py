"""``ember.utils.tensorboard`` (≙ ``torch.utils.tensorboard``): write TensorBoard event files.

Needs the ``tensorboard`` package for its protocol buffers: ``pip install ember[tensorboard]``.
"""
from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
