"""``torch.optim.adam``: Adam (with AMSGrad, maximize, L2 or decoupled weight decay)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _adam_moments, _addcdiv_, _check_betas, _check_fused, _check_nonnegative,
                        _check_state_steps, _l2_grad, _new_step, _new_zeros, _real, _recording, _scalar, _start_update,
                        _to_scalar)

__all__ = ["Adam", "adam"]


class Adam(Optimizer):
    """``torch.optim.Adam``.

    ``m = lerp(m, g, 1-beta1)``, ``v = beta2*v + (1-beta2)*g*g``, and
    ``p -= lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)`` (``v`` replaced by its running maximum with
    ``amsgrad``); ``weight_decay`` adds ``wd*p`` to ``g``, or with ``decoupled_weight_decay`` scales ``p`` by
    ``1 - lr*wd`` first (AdamW).  ``foreach``/``fused`` are accepted and give the for-loop results;
    ``capturable`` needs an accelerator, as in torch.
    """

    _state_spec = (("step", _new_step, None), ("exp_avg", _new_zeros, None), ("exp_avg_sq", _new_zeros, None),
                   ("max_exp_avg_sq", _new_zeros, lambda group: group["amsgrad"]))
    _group_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                       "differentiable": False, "decoupled_weight_decay": False, "fused": None}
    _scalar_state = ("step",)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
            if lr.numel() != 1:
                raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        _check_nonnegative(eps, "epsilon")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, exp_avgs, exp_avg_sqs, max_exp_avg_sqs):
        lr_error = group["foreach"] and isinstance(group["lr"], Tensor) and not group["capturable"]
        if group["differentiable"] or lr_error:
            for step_t in state_steps:  # torch's per-parameter checks, in its order
                if group["differentiable"] and step_t.requires_grad:
                    raise RuntimeError("`requires_grad` is not supported for `step` in differentiable mode")
                if lr_error:
                    raise RuntimeError("lr as a Tensor is not supported for capturable=False and foreach=True")
        beta1, beta2 = group["betas"]
        adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, amsgrad=group["amsgrad"],
             beta1=beta1, beta2=beta2, lr=group["lr"], weight_decay=group["weight_decay"], eps=group["eps"],
             maximize=group["maximize"], capturable=group["capturable"], differentiable=group["differentiable"],
             decoupled_weight_decay=group["decoupled_weight_decay"])


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False,
         decoupled_weight_decay=False, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize):
    """Functional Adam (``torch.optim.adam.adam``) over lists of tensors, updated in place."""
    if grad_scale is not None or found_inf is not None:
        raise NotImplementedError("adam: grad_scale/found_inf (AMP gradient scaling) are not supported by ember")
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, amsgrad,
                                    beta1, beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay)
    lr, beta1, beta2 = _scalar(lr), _scalar(beta1), _scalar(beta2)
    weight_decay = _scalar(weight_decay)
    for i, p in enumerate(params):
        step, d, g, m, v = _start_update(p, grads[i], state_steps[i], (exp_avgs[i], exp_avg_sqs[i]), capturable,
                                         maximize, weight_decay, lr, decoupled_weight_decay)
        tmp = _adam_moments(m, v, g, beta1, beta2)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if amsgrad:
            mx = _real(max_exp_avg_sqs[i]._data)
            np.maximum(mx, v, out=mx)
            denom = np.sqrt(mx)
        else:
            denom = np.sqrt(v)
        denom /= bias_correction2_sqrt
        denom += eps
        _addcdiv_(d, m, denom, -step_size, tmp)
        p._bump()


def _differentiable_adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, amsgrad, beta1, beta2,
                         lr, weight_decay, eps, maximize, decoupled_weight_decay):
    """torch's single-tensor Adam on tensors (its differentiable branch), recorded by autograd."""
    from .._ops.elementwise import maximum, square
    from .._ops.views import view_as_real
    lr, beta1, beta2 = _to_scalar(lr), _to_scalar(beta1), _to_scalar(beta2)
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        step_t += 1
        if weight_decay != 0:
            if decoupled_weight_decay:
                param.mul_(1 - lr * weight_decay)
            elif isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
                grad = grad.addcmul_(param.clone(), weight_decay)
            else:
                grad = _l2_grad(grad, param, weight_decay)
        max_sq = max_exp_avg_sqs[i] if amsgrad else None
        if param.is_complex():
            grad, exp_avg, exp_avg_sq = view_as_real(grad), view_as_real(exp_avg), view_as_real(exp_avg_sq)
            max_sq = view_as_real(max_sq) if amsgrad else None
            param = view_as_real(param)
        exp_avg.lerp_(grad, 1 - beta1)
        if isinstance(beta2, Tensor) and beta2.requires_grad:
            exp_avg_sq.lerp_(square(grad), weight=1 - beta2)
        else:
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** (step_t.clone() if isinstance(beta1, Tensor) else step_t)
        bias_correction2 = 1 - beta2 ** (step_t.clone() if isinstance(beta2, Tensor) else step_t)
        step_size_neg = (lr / bias_correction1).neg()
        bias_correction2_sqrt = bias_correction2.sqrt()
        if amsgrad:
            max_sq.copy_(maximum(max_sq.clone(), exp_avg_sq))
            denom = (max_sq.sqrt() / (bias_correction2_sqrt * step_size_neg)).add_(eps / step_size_neg)
        else:
            denom = (exp_avg_sq.sqrt() / (bias_correction2_sqrt * step_size_neg)).add_(eps / step_size_neg)
        param.addcdiv_(exp_avg.clone(), denom)
