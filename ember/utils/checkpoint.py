"""``ember.utils.checkpoint`` (≙ torch.utils.checkpoint): trade compute for memory.

``checkpoint(fn, *args, use_reentrant=...)`` runs ``fn`` without keeping its intermediate activations and
recomputes them when the backward needs them, restoring the random state first so dropout draws the same
masks (``preserve_rng_state=True``).

- ``use_reentrant=False`` (torch's recommendation): ``fn`` runs with its graph recorded, but every tensor an
  op saves for backward is packed as a handle (``saved_tensors_hooks``); the first unpack re-runs ``fn`` once
  and hands back the recomputed tensors in the order they were saved.  Parameters inside ``fn`` get gradients
  even when no input requires grad, and ``autograd.grad`` works.
- ``use_reentrant=True`` (torch 2.13's default when the argument is omitted, with its warning): ``fn`` runs
  under ``no_grad`` inside a ``Function`` (``CheckpointFunctionBackward``) whose backward re-runs it with grad
  and backpropagates through the fresh graph; as in torch, it needs an input that requires grad and refuses
  ``autograd.grad``/``backward(inputs=...)``.
"""
import contextlib
import warnings

from .. import random as _random
from ..autograd import Function, backward as _backward
from ..autograd.engine import current_task
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ..autograd.graph import saved_tensors_hooks
from .._tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction", "detach_variable",
           "noop_context_fn", "set_checkpoint_early_stop", "set_checkpoint_debug_enabled"]

_REENTRANT_WARNING = ("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in "
                      "PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
                      "use_reentrant=False is recommended, but if you need to preserve the current default behavior, "
                      "you can pass use_reentrant=True. Refer to docs for more details on the differences between "
                      "the two variants.")
_REENTRANT_GRAD = ("When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an "
                   "`inputs` parameter to .backward(). To resolve this error, you can either set "
                   "use_reentrant=False, or call .backward() without passing the `inputs` argument.")


class CheckpointError(RuntimeError):
    """The recomputation did not reproduce the forward (a different number of saved tensors)."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def set_checkpoint_early_stop(enable):
    """torch stops a recomputation once every needed tensor is rebuilt; Ember always re-runs ``fn`` whole."""
    return contextlib.nullcontext()


def set_checkpoint_debug_enabled(enabled):
    return contextlib.nullcontext()


def detach_variable(inputs):
    """Detached copies of a tuple of tensors that keep each one's ``requires_grad``."""
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    out = []
    for x in inputs:
        if not isinstance(x, Tensor):
            out.append(x)
            continue
        d = x.detach()
        d.requires_grad = x.requires_grad
        out.append(d)
    return tuple(out)


@contextlib.contextmanager
def _rng_replay(state, enabled):
    """Run the block from the CPU random state ``state``, leaving the caller's state as it was."""
    if not enabled:
        yield
        return
    current = _random.get_rng_state()
    _random.set_rng_state(state)
    try:
        yield
    finally:
        _random.set_rng_state(current)


class CheckpointFunction(Function):
    """The reentrant variant: forward under no_grad, backward recomputes with grad and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.rng_state = _random.get_rng_state() if preserve_rng_state else None
        ctx.tensor_slots = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*(a for a in args if isinstance(a, Tensor)))
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        task = current_task()
        if task is not None and task.needed is not None:
            raise RuntimeError(_REENTRANT_GRAD)
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_slots, ctx.saved_tensors):
            inputs[i] = t
        detached = detach_variable(tuple(inputs))
        with _rng_replay(ctx.rng_state, ctx.preserve_rng_state), enable_grad():
            outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(x.grad if isinstance(x, Tensor) else None for x in detached)


def _checkpoint_reentrant(function, preserve_rng_state, args):
    if not any(isinstance(a, Tensor) and a.requires_grad for a in args) and is_grad_enabled():
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", UserWarning,
                      stacklevel=3)
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


class _Recomputation:
    """The saved tensors of one checkpointed call, rebuilt on the first unpack by re-running the call."""

    def __init__(self, function, args, kwargs, rng_state, context_fn):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng_state = rng_state
        self.context_fn = context_fn
        self.count = 0       # tensors packed during the forward
        self.tensors = None  # their recomputed values, in packing order

    def pack(self, tensor):
        self.count += 1
        return self.count - 1

    def unpack(self, index):
        if self.tensors is None:
            self._recompute()
        return self.tensors[index]

    def _recompute(self):
        tensors = []

        def keep(t):
            tensors.append(t.detach() if not t.requires_grad or t.grad_fn is None else t)
            return len(tensors) - 1

        _, recompute_context = self.context_fn()
        with _rng_replay(self.rng_state, self.rng_state is not None), enable_grad(), \
                saved_tensors_hooks(keep, lambda i: tensors[i]), recompute_context:
            self.function(*self.args, **self.kwargs)
        if len(tensors) != self.count:
            raise CheckpointError(f"torch.utils.checkpoint: A different number of tensors was saved during the "
                                  f"original forward and recomputation.\nNumber of tensors saved during forward: "
                                  f"{self.count}\nNumber of tensors saved during recomputation: {len(tensors)}.")
        self.tensors = tensors


def _checkpoint_non_reentrant(function, preserve_rng_state, context_fn, args, kwargs):
    rng_state = _random.get_rng_state() if preserve_rng_state else None
    frame = _Recomputation(function, args, kwargs, rng_state, context_fn)
    forward_context, _ = context_fn()
    with saved_tensors_hooks(frame.pack, frame.unpack), forward_context:
        return function(*args, **kwargs)


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check="default",
               debug=False, early_stop=True, **kwargs):
    """``torch.utils.checkpoint.checkpoint``: the result of ``function(*args, **kwargs)`` with its
    activations recomputed in the backward instead of kept."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, UserWarning, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if use_reentrant:
        if context_fn is not noop_context_fn or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return _checkpoint_reentrant(function, preserve, args)
    return _checkpoint_non_reentrant(function, preserve, context_fn, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """``torch.utils.checkpoint.checkpoint_sequential``: ``functions`` (a Sequential or a list of modules) in
    ``segments`` chunks, each checkpointed except the last, which runs normally."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, UserWarning, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if hasattr(functions, "children") and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())

    def run(start, end, fns):
        def forward(x):
            for j in range(start, end + 1):
                x = fns[j](x)
            return x
        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1, functions)(input)
