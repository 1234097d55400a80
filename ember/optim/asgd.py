"""``torch.optim.asgd``: averaged stochastic gradient descent."""
import numpy as np

from .._tensor import _wrap
from .optimizer import (Optimizer, _check_lr, _check_nonnegative, _l2_grad, _new_zeros, _recording, _scalar,
                        _scalar_dtype, _start_update, _to_scalar)

__all__ = ["ASGD", "asgd"]


def _device_scalar(p, value):
    """A 0-d tensor of the scalar dtype on ``p``'s device (ASGD keeps its scalars beside the parameter)."""
    return _wrap(np.full_like(p._data, value, dtype=_scalar_dtype(), shape=()))


class ASGD(Optimizer):
    """``torch.optim.ASGD``.

    ``p *= 1 - lambd*eta``, ``p -= eta*g``; the average ``ax`` follows ``p`` (copied while ``mu == 1``, else
    ``ax += mu*(p - ax)``); then ``eta = lr / (1 + lambd*lr*t)^alpha`` and ``mu = 1/max(1, t - t0)``.  ``eta``,
    ``mu`` and ``step`` are 0-d state tensors of the scalar dtype, as in torch.  ``foreach`` is accepted and
    gives the for-loop results.
    """

    _state_spec = (("step", lambda opt, p, group: _device_scalar(p, 0.0), None),
                   ("eta", lambda opt, p, group: _device_scalar(p, float(_to_scalar(group["lr"]))), None),
                   ("mu", lambda opt, p, group: _device_scalar(p, 1.0), None), ("ax", _new_zeros, None))
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _scalar_state = ("step", "eta", "mu")

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_nonnegative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, etas, mus, axs):
        asgd(params, grads, axs, mus, etas, state_steps, lambd=group["lambd"], lr=group["lr"], t0=group["t0"],
             alpha=group["alpha"], weight_decay=group["weight_decay"], maximize=group["maximize"],
             differentiable=group["differentiable"], capturable=group["capturable"])


def asgd(params, grads, axs, mus, etas, state_steps, foreach=None, maximize=False, differentiable=False,
         capturable=False, has_complex=False, *, lambd, lr, t0, alpha, weight_decay):
    """Functional ASGD (``torch.optim.asgd.asgd``) over lists of tensors, updated in place."""
    if differentiable or _recording(params, grads):
        return _differentiable_asgd(params, grads, axs, mus, etas, state_steps, lambd, lr, t0, alpha, weight_decay,
                                    maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        step, d, g, ax = _start_update(p, grads[i], state_steps[i], (axs[i],), capturable, maximize, weight_decay)
        eta, mu = etas[i]._data, mus[i]._data
        eta_value = eta.item()
        d *= 1 - lambd * eta_value
        p._bump()
        d -= np.multiply(g, eta_value)
        p._bump()
        mu_value = mu.item()
        if mu_value != 1:
            diff = np.subtract(d, ax)
            diff *= mu_value
            ax += diff
        else:
            ax[...] = d
        eta.fill(lr / ((1 + lambd * lr * step) ** alpha))
        mu.fill(1 / max(1, step - t0))


def _differentiable_asgd(params, grads, axs, mus, etas, state_steps, lambd, lr, t0, alpha, weight_decay, maximize):
    """torch's single-tensor ASGD on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.creation import as_tensor
    from .._ops.views import view_as_real
    lr = _scalar(lr)
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        mu, ax, eta, step_t = mus[i], axs[i], etas[i], state_steps[i]
        if param.is_complex():
            grad, param, ax = view_as_real(grad), view_as_real(param), view_as_real(ax)
        step_t += 1
        if weight_decay != 0:
            grad = _l2_grad(grad, param, weight_decay)
        eta_value = eta.item()
        param.mul_(1 - lambd * eta_value)
        param.add_(grad, alpha=-eta_value)
        if mu.item() != 1:
            ax.add_(param.sub(ax).mul_(mu))
        else:
            ax.copy_(param)
        step = step_t.item()
        eta.copy_(as_tensor(lr / ((1 + lambd * lr * step) ** alpha)))
        mu.copy_(as_tensor(1 / max(1, step - t0)))
