"""``torch.optim.radam``: RAdam (rectified Adam)."""
import numpy as np

from .optimizer import (Optimizer, _adam_moments, _check_betas, _check_lr, _check_nonnegative, _check_state_steps,
                        _l2_grad, _new_step, _new_zeros, _recording, _scalar, _start_update)

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    """``torch.optim.RAdam``.

    With ``rho_t = rho_inf - 2t*beta2^t/(1-beta2^t)``: when ``rho_t > 5`` the Adam step is scaled by the
    variance rectification term, otherwise ``p -= lr * m/(1-beta1^t)`` (SGD with momentum).
    ``decoupled_weight_decay`` scales ``p`` by ``1 - lr*wd``.  ``foreach`` is accepted and gives the for-loop
    results.
    """

    _state_spec = (("step", _new_step, None), ("exp_avg", _new_zeros, None), ("exp_avg_sq", _new_zeros, None))
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "decoupled_weight_decay": False,
                       "capturable": False}
    _scalar_state = ("step",)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, exp_avgs, exp_avg_sqs):
        beta1, beta2 = group["betas"]
        radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, beta1=beta1, beta2=beta2, lr=group["lr"],
              weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"],
              capturable=group["capturable"], differentiable=group["differentiable"],
              decoupled_weight_decay=group["decoupled_weight_decay"])


def _rect(rho_t, rho_inf):
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, decoupled_weight_decay=False, foreach=None,
          differentiable=False, capturable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, eps):
    """Functional RAdam (``torch.optim.radam.radam``) over lists of tensors, updated in place."""
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, beta1, beta2, lr,
                                     weight_decay, eps, decoupled_weight_decay, maximize)
    lr = _scalar(lr)
    rho_inf = 2 / (1 - beta2) - 1
    for i, p in enumerate(params):
        step, d, g, m, v = _start_update(p, grads[i], state_steps[i], (exp_avgs[i], exp_avg_sqs[i]), capturable,
                                         maximize, weight_decay, lr, decoupled_weight_decay)
        tmp = _adam_moments(m, v, g, beta1, beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        upd = np.divide(m, bias_correction1, out=tmp)
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        upd *= lr
        if rho_t > 5.0:
            adaptive = np.sqrt(v)
            adaptive += eps
            np.reciprocal(adaptive, out=adaptive)
            adaptive *= bias_correction2 ** 0.5
            upd *= adaptive
            upd *= _rect(rho_t, rho_inf)
        d -= upd
        p._bump()


def _differentiable_radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, beta1, beta2, lr, weight_decay, eps,
                          decoupled_weight_decay, maximize):
    """torch's single-tensor RAdam on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.views import view_as_real
    lr = _scalar(lr)
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        if param.is_complex():
            param, grad = view_as_real(param), view_as_real(grad)
            exp_avg, exp_avg_sq = view_as_real(exp_avg), view_as_real(exp_avg_sq)
        step_t += 1
        step = step_t.item()
        if weight_decay != 0:
            if decoupled_weight_decay:
                param.mul_(1 - lr * weight_decay)
            else:
                grad = _l2_grad(grad, param, weight_decay)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg.clone() / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:
            adaptive_lr = (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add(eps)
            param.add_(bias_corrected_exp_avg * lr * adaptive_lr * _rect(rho_t, rho_inf), alpha=-1.0)
        else:
            param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
