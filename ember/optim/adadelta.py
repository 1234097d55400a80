"""``torch.optim.adadelta``: Adadelta."""
import numpy as np

from .optimizer import (Optimizer, _addcmul_, _check_capturable, _check_lr, _check_nonnegative, _check_state_steps,
                        _l2_grad, _new_step, _new_zeros, _recording, _scalar, _start_update)

__all__ = ["Adadelta", "adadelta"]


class Adadelta(Optimizer):
    """``torch.optim.Adadelta``.

    ``v = rho*v + (1-rho)*g*g``, ``delta = sqrt(u + eps) / sqrt(v + eps) * g``, ``u = rho*u + (1-rho)*delta^2``,
    ``p -= lr*delta``.  ``foreach`` is accepted and gives the for-loop results.
    """

    _state_spec = (("step", _new_step, None), ("square_avg", _new_zeros, None), ("acc_delta", _new_zeros, None))
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _scalar_state = ("step",)

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative(eps, "epsilon")
        _check_nonnegative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "capturable": capturable, "foreach": foreach, "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, square_avgs, acc_deltas):
        adadelta(params, grads, square_avgs, acc_deltas, state_steps, lr=group["lr"], rho=group["rho"],
                 eps=group["eps"], weight_decay=group["weight_decay"], maximize=group["maximize"],
                 differentiable=group["differentiable"], capturable=group["capturable"])


def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False, foreach=None,
             differentiable=False, has_complex=False, *, lr, rho, eps, weight_decay, maximize):
    """Functional Adadelta (``torch.optim.adadelta.adadelta``) over lists of tensors, updated in place."""
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_adadelta(params, grads, square_avgs, acc_deltas, state_steps, lr, rho, eps,
                                        weight_decay, maximize)
    lr = _scalar(lr)
    if capturable:
        for p in params:
            _check_capturable(p)
    add, sqrt = np.add, np.sqrt
    for p, grad, square_avg, acc_delta, step_t in zip(params, grads, square_avgs, acc_deltas, state_steps):
        _, d, g, v, u = _start_update(p, grad, step_t, (square_avg, acc_delta), False, maximize, weight_decay)
        std = np.empty_like(v)
        v *= rho
        _addcmul_(v, g, g, 1 - rho, std)
        add(v, eps, out=std)
        sqrt(std, out=std)
        delta = add(u, eps)
        sqrt(delta, out=delta)
        delta /= std
        delta *= g
        u *= rho
        _addcmul_(u, delta, delta, 1 - rho, std)
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
