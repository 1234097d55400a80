"""Grad modes (``torch.autograd.grad_mode``): no_grad, enable_grad, set_grad_enabled, inference_mode.

The flag is thread-local like torch's and is read once per op on the hot path.  Each mode is a context
manager and a decorator (of functions and of generator functions, whose every step then runs in the
mode, as torch's ``_DecoratorContextManager``)."""
import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "set_multithreading_enabled",
           "is_grad_enabled", "is_inference_mode_enabled"]


class _State(threading.local):
    enabled = True
    inference = False
    multithreading = True


state = _State()


def is_grad_enabled():
    """``torch.is_grad_enabled``: whether ops record the graph on this thread."""
    return state.enabled


def is_inference_mode_enabled():
    """``torch.is_inference_mode_enabled``."""
    return state.inference


def is_multithreading_enabled():
    return state.multithreading


def is_view_replay_enabled():
    """Views modified in place are re-created as ``as_strided`` views of their base, as torch's default."""
    return False


class _DecoratorContextManager:
    """A context manager that also works as a function decorator (and on generator functions)."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError(f"{type(self).__name__} cannot decorate a class")
        if inspect.isgeneratorfunction(func):
            return self._wrap_generator(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def _wrap_generator(self, func):
        @functools.wraps(func)
        def gen_wrapper(*args, **kwargs):
            gen = func(*args, **kwargs)
            try:
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as e:
                        with self.clone():
                            response = gen.throw(e)
                    else:
                        with self.clone():
                            response = gen.send(request)
            except StopIteration as e:
                return e.value
        return gen_wrapper

    def clone(self):
        return type(self)()


class _NoParamDecorator(_DecoratorContextManager):
    """Usable bare as a decorator too: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Disable graph recording inside the block (``torch.no_grad``)."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc):
        state.enabled = self.prev


class enable_grad(_NoParamDecorator):
    """Re-enable graph recording inside a no_grad block (``torch.enable_grad``)."""

    def __init__(self):
        self.prev = False

    def __enter__(self):
        self.prev = state.enabled
        state.enabled = True

    def __exit__(self, *exc):
        state.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """``torch.set_grad_enabled(mode)``: sets the mode at once; as a context manager restores it on exit, as a
    decorator applies it to each call."""

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                            f"{type(mode).__name__}")
        self.prev = state.enabled
        self.mode = mode
        state.enabled = mode

    def __call__(self, func):
        state.enabled = self.prev
        return super().__call__(func)

    def __enter__(self):
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self.prev

    def clone(self):
        return type(self)(self.mode)

    def __repr__(self):
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"


class inference_mode(_DecoratorContextManager):
    """``torch.inference_mode(mode=True)``: no graph is recorded inside; ``inference_mode(False)`` turns
    grad mode back on inside an inference block.  Usable bare as a decorator."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __init__(self, mode=True):
        self.mode = mode
        self.prev = (True, False)

    def __enter__(self):
        self.prev = (state.enabled, state.inference)
        state.enabled, state.inference = not self.mode, self.mode

    def __exit__(self, *exc):
        state.enabled, state.inference = self.prev

    def clone(self):
        return type(self)(self.mode)


class set_multithreading_enabled(_DecoratorContextManager):
    """``torch.autograd.set_multithreading_enabled``: ember's engine is single-threaded; the flag is kept."""

    def __init__(self, mode):
        self.prev = state.multithreading
        self.mode = mode
        state.multithreading = mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        state.multithreading = self.prev

    def clone(self):
        return type(self)(self.mode)
