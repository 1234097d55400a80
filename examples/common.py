"""What every example shares: command-line flags, a progress bar, TensorBoard logging and checkpoints.

Nothing here is specific to ember beyond ``import ember as torch``: it is the scaffolding a PyTorch
training script usually carries.  tqdm and tensorboard are optional (``pip install ember[progress]``,
``pip install ember[tensorboard]``); without them the examples print plain progress lines and skip logging.
"""
import argparse
import os
import shutil
import sys
import time

import ember as torch


def make_parser(name, description, epochs, lr, batch_size):
    """The flags every example takes; ``--steps`` caps the batches per epoch for quick runs."""
    p = argparse.ArgumentParser(prog=f"{name}.py", description=description)
    p.add_argument("--epochs", type=int, default=epochs, help=f"passes over the training data (default {epochs})")
    p.add_argument("--steps", type=int, default=0, help="at most this many batches per epoch (0: all)")
    p.add_argument("--batch-size", type=int, default=batch_size, help=f"(default {batch_size})")
    p.add_argument("--lr", type=float, default=lr, help=f"learning rate (default {lr})")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--logdir", default=os.path.join("runs", name), help="TensorBoard log directory")
    p.add_argument("--checkpoint", default=os.path.join("checkpoints", f"{name}.pt"), help="checkpoint file")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--no-tensorboard", action="store_true", help="do not write TensorBoard logs")
    return p


class _PlainProgress:
    """Stands in for tqdm: iterates, keeps the latest postfix, prints one line when the loop ends."""

    def __init__(self, iterable, desc, total):
        self.iterable, self.desc, self.total = iterable, desc, total
        self.postfix = ""

    def __iter__(self):
        start, n = time.time(), 0
        for n, item in enumerate(self.iterable, 1):
            yield item
        print(f"{self.desc}: {n}/{self.total} batches in {time.time() - start:.1f}s {self.postfix}", flush=True)

    def set_postfix(self, **values):
        self.postfix = " ".join(f"{k}={v}" for k, v in values.items())


def progress(iterable, desc, total):
    """A tqdm progress bar over ``iterable`` on a terminal (if tqdm is installed), else one summary line."""
    if sys.stdout.isatty():
        try:
            from tqdm import tqdm
        except ImportError:
            pass
        else:
            return tqdm(iterable, desc=desc, total=total, file=sys.stdout, dynamic_ncols=True)
    return _PlainProgress(iterable, desc, total)


def limited(loader, steps):
    """The first ``steps`` batches of ``loader`` (all of them when ``steps`` is 0), and how many that is."""
    total = len(loader) if not steps else min(steps, len(loader))

    def gen():
        for i, batch in enumerate(loader):
            if i == total:
                break
            yield batch
    return gen(), total


def summary_writer(args, purge_step=None):
    """A ``SummaryWriter`` on ``args.logdir``, or None (with a note) when tensorboard is not installed."""
    if args.no_tensorboard:
        return None
    try:
        from ember.utils.tensorboard import SummaryWriter
    except ImportError as e:
        print(f"TensorBoard logging off ({e})")
        return None
    return SummaryWriter(args.logdir, purge_step=purge_step)


def save_checkpoint(path, epoch, model, optimizer, scheduler=None, **extra):
    """Everything needed to resume: weights, optimizer (and scheduler) state, the finished epoch."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    state = {"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(), **extra}
    if scheduler is not None:
        state["scheduler"] = scheduler.state_dict()
    torch.save(state, path)


def load_checkpoint(path, model, optimizer, scheduler=None):
    """Restore a checkpoint written by ``save_checkpoint``; returns its dict (``["epoch"]`` = last finished)."""
    state = torch.load(path)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if scheduler is not None and "scheduler" in state:
        scheduler.load_state_dict(state["scheduler"])
    print(f"resumed from {path} (epoch {state['epoch'] + 1} done)")
    return state


def start_epoch(args, model, optimizer, scheduler=None):
    """0 for a fresh run; with ``--resume``, the epoch after the checkpoint's (or 0 if there is none)."""
    if not args.resume:
        return 0
    if not os.path.exists(args.checkpoint):
        print(f"--resume: no checkpoint at {args.checkpoint}, starting from scratch")
        return 0
    return load_checkpoint(args.checkpoint, model, optimizer, scheduler)["epoch"] + 1


def accuracy(logits, targets):
    """Fraction of rows whose arg-max is the target."""
    return (logits.argmax(dim=1) == targets).float().mean().item()


def _tensorboard_command():
    """``tensorboard``, or the path of the one beside this Python when that is not on PATH (a venv)."""
    beside = os.path.join(os.path.dirname(sys.executable), "tensorboard")
    if shutil.which("tensorboard") or not os.path.exists(beside):
        return "tensorboard"
    rel = os.path.relpath(beside)
    return beside if rel.startswith("..") else rel


def finish(args, writer):
    """Close the writer and say where the logs and the checkpoint are."""
    if writer is not None:
        writer.close()
        print(f"TensorBoard logs: {args.logdir}   (view them: {_tensorboard_command()} --logdir "
              f"{os.path.dirname(args.logdir) or '.'})")
    print(f"checkpoint: {args.checkpoint}   (continue training: --resume)")
