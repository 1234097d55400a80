"""``torch.optim.asgd``: averaged stochastic gradient descent."""
import numpy as np

from .._tensor import _wrap
from .optimizer import (Optimizer, _add_scaled, _check_capturable, _check_lr, _closure_loss, _grad_for, _l2_grad, _real,
                        _recording, _scalar, _scalar_dtype, _to_scalar, _zeros_like)

__all__ = ["ASGD", "asgd"]


class ASGD(Optimizer):
    """``torch.optim.ASGD``.

    ``p *= 1 - lambd*eta``, ``p -= eta*g``; the average ``ax`` follows ``p`` (copied while ``mu == 1``, else
    ``ax += mu*(p - ax)``); then ``eta = lr / (1 + lambd*lr*t)^alpha`` and ``mu = 1/max(1, t - t0)``.  ``eta``,
    ``mu`` and ``step`` are 0-d state tensors of the scalar dtype, as in torch.  ``foreach`` is accepted and
    gives the for-loop results.
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        self._tensorize_state("step", "eta", "mu")

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, mus, axs, etas, state_steps = [], [], [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _device_scalar(p, 0.0)
                        state["eta"] = _device_scalar(p, float(_to_scalar(group["lr"])))
                        state["mu"] = _device_scalar(p, 1.0)
                        state["ax"] = _zeros_like(p)
                    mus.append(state["mu"])
                    axs.append(state["ax"])
                    etas.append(state["eta"])
                    state_steps.append(state["step"])
                asgd(params, grads, axs, mus, etas, state_steps, lambd=group["lambd"], lr=group["lr"],
                     t0=group["t0"], alpha=group["alpha"], weight_decay=group["weight_decay"],
                     maximize=group["maximize"], differentiable=group["differentiable"],
                     capturable=group["capturable"])
        return loss


def _device_scalar(p, value):
    """A 0-d tensor of the scalar dtype on ``p``'s device (ASGD keeps its scalars beside the parameter)."""
    return _wrap(np.full_like(p._data, value, dtype=_scalar_dtype(), shape=()))


def asgd(params, grads, axs, mus, etas, state_steps, foreach=None, maximize=False, differentiable=False,
         capturable=False, has_complex=False, *, lambd, lr, t0, alpha, weight_decay):
    """Functional ASGD (``torch.optim.asgd.asgd``) over lists of tensors, updated in place."""
    if differentiable or _recording(params, grads):
        return _differentiable_asgd(params, grads, axs, mus, etas, state_steps, lambd, lr, t0, alpha, weight_decay,
                                    maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        if capturable:
            _check_capturable(p)
        g = grads[i]._data
        if maximize:
            g = np.negative(g)
        mu, eta = mus[i]._data, etas[i]._data
        st = state_steps[i]._data
        st += 1
        d = p._data
        if weight_decay != 0:
            g = _add_scaled(g, d, weight_decay)
        d, g = _real(d), _real(g)
        ax = _real(axs[i]._data)
        eta_value = float(eta)
        d *= 1 - lambd * eta_value
        d -= g * eta_value
        p._bump()
        mu_value = float(mu)
        if mu_value != 1:
            diff = d - ax
            diff *= mu_value
            ax += diff
        else:
            ax[...] = d
        step = float(st)
        eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
        mu[...] = 1 / max(1, step - t0)


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
