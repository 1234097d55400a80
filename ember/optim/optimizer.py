"""``torch.optim.optimizer``: the ``Optimizer`` base class and the helpers every algorithm shares.

An optimizer keeps ``param_groups`` (dicts of parameters and per-group hyper-parameters, the
constructor's defaults filled in) and ``state`` (a ``defaultdict(dict)`` keyed by parameter).
``state_dict()`` / ``load_state_dict()`` use torch's exact structure (parameters replaced by integer
ids, per-parameter state tensors such as ``step`` as float32 0-d tensors), so checkpoints resume
exactly and a torch optimizer state dict whose tensors were converted to ember tensors loads.

The algorithms update the raw arrays in place (``p._data``, ``p.grad._data``) with NumPy ufuncs, as
torch's single-tensor ("for-loop") implementation does, in the same arithmetic order; the parameter's
version counter is bumped once per in-place write, as torch's ``mul_``/``add_``/``addcdiv_`` calls would (twice
for decoupled weight decay, NAdam and ASGD).  (torch's CPU kernels fuse some
multiply-adds and use a vectorised ``sqrt``, so float32 results agree to rounding, not bit for bit.)
With ``differentiable=True`` — or a functional form called in grad mode on tensors that require grad —
the step runs torch's ops on tensors instead, so autograd records it.  ``foreach`` and ``fused`` are
accepted and validated like torch's but select no other code path: the results are the for-loop results.
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd import grad_mode
from ..autograd.graph import RemovableHandle

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()
_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]


class _RequiredParameter:
    """Marks a default that every param group must specify."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs before every optimizer's ``step``; it may return new
    ``(args, kwargs)``."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """``hook(optimizer, args, kwargs)`` runs after every optimizer's ``step``."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _typename(obj):
    """``torch.typename``."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _hook_step(func):
    """Wrap an optimizer class's ``step`` so the global and per-instance step hooks run around it."""
    @functools.wraps(func)
    def step(*args, **kwargs):
        self = args[0]
        if _global_optimizer_pre_hooks or self._optimizer_step_pre_hooks:
            for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
                result = pre_hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError(f"{func} must return None or a tuple of (new_args, new_kwargs), but got "
                                           f"{result}.")
        out = func(*args, **kwargs)
        if self._optimizer_step_post_hooks or _global_optimizer_post_hooks:
            for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
                post_hook(self, args, kwargs)
        return out
    step.hooked = True
    return step


class Optimizer:
    """Base class for all optimizers (``torch.optim.Optimizer``).

    ``params``: an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts (param groups);
    ``defaults``: the hyper-parameters a group gets when it does not specify them.

    The algorithms declare their per-parameter state in ``_state_spec``: ``(key, make, when)`` entries in
    torch's creation order, ``make(optimizer, param, group)`` building the tensor (``None``: the update
    itself creates it, as SGD's momentum buffer) and ``when(group)`` (``None``: always) whether the group keeps
    it.  ``_group_defaults`` are the options ``__setstate__`` fills into older groups and ``_scalar_state`` the
    state entries it turns from Python numbers into 0-d tensors.
    """

    _state_spec = ()
    _group_defaults = {}
    _scalar_state = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _hook_step(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)
        self._warned_capturable_if_run_uncaptured = True

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)
        if self._group_defaults:
            for group in self.param_groups:
                for key, value in self._group_defaults.items():
                    group.setdefault(key, value)
        if self._scalar_state:
            self._tensorize_state(*self._scalar_state)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ------------------------------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`` runs before ``step``."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs after ``step``."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    @staticmethod
    def _add_hook(hooks, hook, prepend):
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs before ``state_dict`` builds the dict."""
        return self._add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict) -> state_dict or None`` runs on the dict ``state_dict`` returns."""
        return self._add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict) -> state_dict or None`` runs before ``load_state_dict`` loads."""
        return self._add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer)`` runs after ``load_state_dict``."""
        return self._add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------------------------------ state dict
    def state_dict(self):
        """``{'state': {id: {...}}, 'param_groups': [{..., 'params': [ids]}]}``; ids number the parameters in
        group order.  The state tensors are the optimizer's own (not copies), as in torch."""
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start_index):
                if id(p) not in param_mappings:
                    param_mappings[id(p)] = i
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        """Floating state follows the parameter's dtype and device; ``step`` keeps its own dtype unless the
        group is fused or capturable (then float32 on the parameter's device)."""
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg["params"]:
                fused = pg.get("fused", False)
                capturable = pg.get("capturable", False)
                break
        if key == "step":
            if capturable or fused:
                return value.to(dtype=D.float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        """Load a dict made by ``state_dict`` (ours or torch's with its tensors converted to ember tensors)."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, param_id=None, param_groups=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id, param_groups, key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id=param_id, param_groups=param_groups, key=k)
                        for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(cast(param, v, param_id=param_id, param_groups=param_groups) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v, param_id=k, param_groups=state_dict["param_groups"])
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # ------------------------------------------------------------------------------------------ groups
    def zero_grad(self, set_to_none=True):
        """Reset the gradients: ``None`` (default), or zeros in place (detached, ``requires_grad=False``)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g._grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g._data.fill(0)
                    g._bump()

    def step(self, closure=None):
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    def add_param_group(self, param_group):
        """Add a group (a dict with ``'params'`` and optional per-group hyper-parameters)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) == len(tensors):
                param_group["param_names"] = names
            else:
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(param))
            if not self.defaults.get("differentiable", None) and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/40967 for more information", stacklevel=3)
        param_set = set()
        for group in self.param_groups:
            param_set.update(set(group["params"]))
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError(f"all optimizer param groups should be with/without names. cannot add param group "
                                 f"{txt} to the optimizer")
        if not param_set.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------------------------------ shared helpers
    def _run_step(self, closure):
        """The ``step`` of the built-in algorithms: the loss from ``closure`` (evaluated with grad enabled), then
        ``self._update_group(group, *self._init_group(group))`` for each group, in the grad mode torch's
        ``_use_grad_for_differentiable`` sets (recording only for ``differentiable=True``)."""
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                self._update_group(group, *self._init_group(group))
        return loss

    def _init_group(self, group):
        """torch's per-algorithm ``_init_group``, driven by ``_state_spec``: returns ``(params, grads, *lists)``
        for the group's parameters that have a gradient, one list per spec entry holding their state tensors
        under that key (empty where the group does not keep it).  An empty state is first filled, as torch
        does lazily on the first step; a key whose ``make`` is ``None`` gives ``None`` until the update sets it."""
        spec = self._state_spec
        lists = [[] for _ in spec]
        kept = [(lst, key, make) for lst, (key, make, when) in zip(lists, spec) if when is None or when(group)]
        params, grads = [], []
        state = self.state
        for p in group["params"]:
            grad = p._grad
            if grad is None:
                continue
            params.append(p)
            grads.append(grad)
            if not kept:
                continue
            st = state[p]
            if not st:
                self._fill_state(st, p, group)
            for lst, key, make in kept:
                lst.append(st[key] if make is not None else st.get(key))
        return (params, grads, *lists)

    def _fill_state(self, state, p, group):
        """Create every state entry the group keeps for ``p`` (Adagrad does this at construction)."""
        for key, make, when in self._state_spec:
            if make is not None and (when is None or when(group)):
                state[key] = make(self, p, group)

    def _tensorize_state(self, *keys):
        """After loading: state values under ``keys`` given as Python numbers (old checkpoints) become 0-d
        tensors of the scalar dtype, as torch's ``__setstate__`` does."""
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state.get(p)
                if not st:
                    continue
                for key in keys:
                    if key in st and not isinstance(st[key], Tensor):
                        st[key] = _scalar_tensor(float(st[key]))


def _scalar_dtype():
    """torch's ``_get_scalar_dtype()``: float64 when it is the default dtype, else float32."""
    return np.float64 if D.get_default_dtype() is D.float64 else np.float32


def _scalar_tensor(value, dtype=None):
    """A 0-d CPU tensor of the scalar dtype (``torch.tensor(value, dtype=_get_scalar_dtype())``)."""
    return _wrap(np.array(value, dtype or _scalar_dtype()))


def _step_tensor(p, on_device=False, fused=False, value=0.0):
    """A new ``step`` (or other scalar) state: a CPU 0-d tensor of the scalar dtype, or — for capturable/fused
    groups — one on the parameter's device (float32 when fused), as torch's ``_init_group``."""
    if not on_device:
        return _scalar_tensor(value)
    return _wrap(np.full_like(p._data, value, dtype=np.float32 if fused else _scalar_dtype(), shape=()))


def _to_scalar(x):
    """torch's ``_to_scalar``: a 1-element tensor hyper-parameter becomes 0-d."""
    return x.squeeze() if isinstance(x, Tensor) and x.dim() != 0 else x


def _new_step(optimizer, p, group):
    """``_state_spec`` maker of ``step``: on the parameter's device for capturable or fused groups."""
    fused = group.get("fused")
    return _step_tensor(p, group.get("capturable") or fused, fused)


def _new_zeros(optimizer, p, group):
    """``_state_spec`` maker of a zero-filled state shaped (and laid out) like the parameter."""
    return _wrap(np.zeros_like(p._data))


def _full_like(p, value):
    return _wrap(np.full_like(p._data, value))


def _scalar(x):
    """A hyper-parameter as a Python number (a 1-element tensor ``lr`` gives its value)."""
    return x.item() if isinstance(x, Tensor) else x


def _advance(step_t):
    """``step_t += 1`` on a 0-d state tensor's array (written through ``fill``: a ufunc on a 0-d array costs
    several times more); returns the new value as a Python float."""
    st = step_t._data
    st.fill(st.item() + 1)
    return st.item()


def _start_update(p, grad, step_t, states, capturable, maximize, weight_decay, lr=0.0, decoupled=False):
    """The opening every algorithm's per-parameter update shares, in torch's order: the capturable check,
    ``step_t += 1`` (when given), the gradient negated for ``maximize``, then weight decay (``p *= 1 - lr*wd``,
    an in-place update of the parameter, when ``decoupled``; else ``g = g + wd*p``).  Returns the new step, then
    the arrays of the parameter, the gradient (a new array only when changed) and the ``states`` tensors, all
    seen as real pairs for complex parameters (torch's ``view_as_real``)."""
    if capturable:
        _check_capturable(p)
    step = None if step_t is None else _advance(step_t)
    d, g = p._data, grad._data
    if maximize:
        g = np.negative(g)
    if weight_decay != 0:
        if decoupled:
            d *= 1 - lr * weight_decay
            p._bump()
        else:
            g = _add_scaled(g, d, weight_decay)
    if d.dtype.kind == "c":
        return (step, _real(d), _real(g), *[_real(t._data) for t in states])
    return (step, d, g, *[t._data for t in states])


def _adam_moments(m, v, g, beta1, beta2):
    """Adam's moment updates in torch's order, ``m.lerp_(g, 1-beta1)`` and
    ``v.mul_(beta2).addcmul_(g, g, value=1-beta2)``; returns the scratch array used (free for reuse)."""
    tmp = np.empty_like(m)
    _lerp_(m, g, 1 - beta1, tmp)
    v *= beta2
    _addcmul_(v, g, g, 1 - beta2, tmp)
    return tmp


def _real(a):
    """A complex array seen as real pairs (``torch.view_as_real``); real arrays pass through."""
    if a.dtype.kind == "c":
        return a[..., None].view(a.real.dtype)
    return a


def _lerp_(a, end, weight, tmp):
    """``a.lerp_(end, weight)`` with torch's formula (``a + w*(end-a)`` for ``|w| < 0.5``, else
    ``end - (end-a)*(1-w)``); ``tmp`` is scratch space shaped like ``a``."""
    np.subtract(end, a, out=tmp)
    if abs(weight) < 0.5:
        tmp *= weight
        a += tmp
    else:
        tmp *= 1 - weight
        np.subtract(end, tmp, out=a)


def _addcmul_(a, t1, t2, value, tmp):
    """``a.addcmul_(t1, t2, value=value)``: ``a + (value*t1)*t2`` (``tmp``: scratch shaped like ``a``)."""
    np.multiply(t1, value, out=tmp)
    tmp *= t2
    a += tmp


def _addcdiv_(a, t1, t2, value, tmp):
    """``a.addcdiv_(t1, t2, value=value)``: ``a + (value*t1)/t2`` (``tmp``: scratch shaped like ``a``)."""
    np.multiply(t1, value, out=tmp)
    tmp /= t2
    a += tmp


def _add_scaled(a, b, alpha):
    """Out of place ``a.add(b, alpha=alpha)``."""
    tmp = b * alpha
    tmp += a
    return tmp


def _l2_grad(grad, param, weight_decay):
    """``grad.add(param, alpha=weight_decay)`` for the differentiable (autograd-recorded) steps.  ``param`` enters
    as a copy: ember's scalar multiply keeps its tensor operand for backward (torch's does not), and ``param``
    is modified in place afterwards."""
    return grad.add(param.clone(), alpha=weight_decay)


def _recording(params, grads):
    """Whether autograd would record the update (grad mode on and a tensor requiring grad): the functional
    forms then run torch's ops on tensors instead of updating the arrays directly."""
    if not grad_mode.state.enabled:
        return False
    return any(t._requires_grad for t in params) or any(t._requires_grad for t in grads)


def _grad_for(optimizer):
    """The grad mode of a step: recording only for ``differentiable=True`` optimizers."""
    return grad_mode.set_grad_enabled(bool(optimizer.defaults.get("differentiable", False)))


def _check_capturable(p):
    """torch's capturable steps only run on accelerators with graph capture; a CPU parameter is refused."""
    if type(p._data) is np.ndarray:
        raise AssertionError(f"If capturable=True, params and state_steps must be on supported devices: "
                             f"{_CAPTURABLE_DEVICES}.")


def _closure_loss(closure):
    if closure is None:
        return None
    with grad_mode.enable_grad():
        return closure()


def _check_fused(fused, differentiable, foreach):
    """torch's constructor checks for ``fused=True`` (accepted; the for-loop arithmetic is used)."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_nonnegative(value, what):
    """torch's ``if not 0.0 <= value: raise ValueError(f"Invalid {what} value: {value}")``."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what} value: {value}")


def _check_betas(betas):
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


def _check_state_steps(state_steps, what="state_steps"):
    """The functional forms take ``step`` (and NAdam's ``mu_product``) as 0-d tensors, as torch 2.x."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError(f"API has changed, `{what}` argument must contain a list of singleton tensors")
