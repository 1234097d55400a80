"""``torch.optim.adadelta``: Adadelta."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcmul_, _check_capturable, _check_lr, _closure_loss, _grad_for,
                        _l2_grad, _real, _recording, _scalar, _step_tensor, _zeros_like)

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    """``torch.optim.Adadelta``.

    ``v = rho*v + (1-rho)*g*g``, ``delta = sqrt(u + eps) / sqrt(v + eps) * g``, ``u = rho*u + (1-rho)*delta^2``,
    ``p -= lr*delta``.  ``foreach`` is accepted and gives the for-loop results.
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        self._tensorize_state("step")

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, square_avgs, acc_deltas, state_steps = [], [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(p, group["capturable"])
                        state["square_avg"] = _zeros_like(p)
                        state["acc_delta"] = _zeros_like(p)
                    square_avgs.append(state["square_avg"])
                    acc_deltas.append(state["acc_delta"])
                    state_steps.append(state["step"])
                adadelta(params, grads, square_avgs, acc_deltas, state_steps, lr=group["lr"], rho=group["rho"],
                         eps=group["eps"], weight_decay=group["weight_decay"], maximize=group["maximize"],
                         differentiable=group["differentiable"], capturable=group["capturable"])
        return loss


def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False, foreach=None,
             differentiable=False, has_complex=False, *, lr, rho, eps, weight_decay, maximize):
    """Functional Adadelta (``torch.optim.adadelta.adadelta``) over lists of tensors, updated in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_adadelta(params, grads, square_avgs, acc_deltas, state_steps, lr, rho, eps,
                                        weight_decay, maximize)
    lr = _scalar(lr)
    if capturable:
        for p in params:
            _check_capturable(p)
    for p, grad, square_avg, acc_delta, step_t in zip(params, grads, square_avgs, acc_deltas, state_steps):
        st = step_t._data
        st += 1
        g = grad._data
        if maximize:
            g = np.negative(g)
        if weight_decay != 0:
            g = _add_scaled(g, p._data, weight_decay)
        g = _real(g)
        v = _real(square_avg._data)
        u = _real(acc_delta._data)
        std = np.empty_like(v)
        v *= rho
        _addcmul_(v, g, g, 1 - rho, std)
        np.add(v, eps, out=std)
        np.sqrt(std, out=std)
        delta = u + eps
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        u *= rho
        _addcmul_(u, delta, delta, 1 - rho, std)
        d = _real(p._data)
        delta *= lr
        d -= delta
        p._bump()


def _differentiable_adadelta(params, grads, square_avgs, acc_deltas, state_steps, lr, rho, eps, weight_decay,
                             maximize):
    """torch's single-tensor Adadelta on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.views import view_as_real, view_as_complex
    lr = _scalar(lr)
    for param, grad, square_avg, acc_delta, step in zip(params, grads, square_avgs, acc_deltas, state_steps):
        step += 1
        grad = grad if not maximize else -grad
        if weight_decay != 0:
            grad = _l2_grad(grad, param, weight_decay)
        cplx = param.is_complex()
        if cplx:
            square_avg, acc_delta, grad = view_as_real(square_avg), view_as_real(acc_delta), view_as_real(grad)
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_().clone()
        delta.div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        if cplx:
            delta = view_as_complex(delta)
        param.add_(delta, alpha=-lr)
