"""``torch.optim.adamax``: Adamax (Adam with the infinity norm)."""
import numpy as np

from .optimizer import (Optimizer, _addcdiv_, _check_betas, _check_lr, _check_nonnegative, _check_state_steps, _l2_grad,
                        _lerp_, _new_step, _new_zeros, _recording, _scalar, _start_update)

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    """``torch.optim.Adamax``.

    ``m = lerp(m, g, 1-beta1)``, ``u = max(beta2*u, |g| + eps)``, ``p -= lr/(1-beta1^t) * m/u``.
    ``foreach`` is accepted and gives the for-loop results.
    """

    _state_spec = (("step", _new_step, None), ("exp_avg", _new_zeros, None), ("exp_inf", _new_zeros, None))
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _scalar_state = ("step",)

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, exp_avgs, exp_infs):
        beta1, beta2 = group["betas"]
        adamax(params, grads, exp_avgs, exp_infs, state_steps, eps=group["eps"], beta1=beta1, beta2=beta2,
               lr=group["lr"], weight_decay=group["weight_decay"], maximize=group["maximize"],
               differentiable=group["differentiable"], capturable=group["capturable"])


def adamax(params, grads, exp_avgs, exp_infs, state_steps, foreach=None, maximize=False, differentiable=False,
           capturable=False, has_complex=False, *, eps, beta1, beta2, lr, weight_decay):
    """Functional Adamax (``torch.optim.adamax.adamax``) over lists of tensors, updated in place."""
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_adamax(params, grads, exp_avgs, exp_infs, state_steps, eps, beta1, beta2, lr,
                                      weight_decay, maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        step, d, g, m, u = _start_update(p, grads[i], state_steps[i], (exp_avgs[i], exp_infs[i]), capturable,
                                         maximize, weight_decay)
        tmp = np.empty_like(m)
        _lerp_(m, g, 1 - beta1, tmp)
        u *= beta2
        np.abs(g, out=tmp)
        tmp += eps
        np.maximum(u, tmp, out=u)
        _addcdiv_(d, m, u, -(lr / (1 - beta1 ** step)), tmp)
        p._bump()


def _differentiable_adamax(params, grads, exp_avgs, exp_infs, state_steps, eps, beta1, beta2, lr, weight_decay,
                           maximize):
    """torch's single-tensor Adamax on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.joining import cat
    from .._ops.reduction import amax
    from .._ops.views import view_as_real
    lr = _scalar(lr)
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_inf, step_t = exp_avgs[i], exp_infs[i], state_steps[i]
        step_t += 1
        if weight_decay != 0:
            grad = _l2_grad(grad, param, weight_decay)
        if param.is_complex():
            param, grad = view_as_real(param), view_as_real(grad)
            exp_avg, exp_inf = view_as_real(exp_avg), view_as_real(exp_inf)
        exp_avg.lerp_(grad, 1 - beta1)
        norm_buf = cat([exp_inf.mul_(beta2).unsqueeze(0), grad.abs().add_(eps).unsqueeze_(0)], 0)
        exp_inf.copy_(amax(norm_buf, 0, keepdim=False))
        clr = lr / (1 - beta1 ** step_t.item())
        param.addcdiv_(exp_avg, exp_inf, value=-clr)
