"""``torch.optim.adam``: Adam (with AMSGrad, maximize, L2 or decoupled weight decay)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcdiv_, _addcmul_, _check_capturable, _check_fused, _closure_loss,
                        _grad_for, _l2_grad, _lerp_, _real, _recording, _scalar, _step_tensor, _to_scalar, _zeros_like)

__all__ = ["Adam", "adam"]


class Adam(Optimizer):
    """``torch.optim.Adam``.

    ``m = lerp(m, g, 1-beta1)``, ``v = beta2*v + (1-beta2)*g*g``, and
    ``p -= lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)`` (``v`` replaced by its running maximum with
    ``amsgrad``); ``weight_decay`` adds ``wd*p`` to ``g``, or with ``decoupled_weight_decay`` scales ``p`` by
    ``1 - lr*wd`` first (AdamW).  ``foreach``/``fused`` are accepted and give the for-loop results;
    ``capturable`` needs an accelerator, as in torch.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
            if lr.numel() != 1:
                raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
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

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
        self._tensorize_state("step")

    def _init_group(self, group, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps):
        amsgrad = group["amsgrad"]
        for p in group["params"]:
            grad = p._grad
            if grad is None:
                continue
            params.append(p)
            grads.append(grad)
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _step_tensor(p, group["capturable"] or group["fused"], group["fused"])
                state["exp_avg"] = _zeros_like(p)
                state["exp_avg_sq"] = _zeros_like(p)
                if amsgrad:
                    state["max_exp_avg_sq"] = _zeros_like(p)
            exp_avgs.append(state["exp_avg"])
            exp_avg_sqs.append(state["exp_avg_sq"])
            if amsgrad:
                max_exp_avg_sqs.append(state["max_exp_avg_sq"])
            if group["differentiable"] and state["step"].requires_grad:
                raise RuntimeError("`requires_grad` is not supported for `step` in differentiable mode")
            if group["foreach"] and isinstance(group["lr"], Tensor) and not group["capturable"]:
                raise RuntimeError("lr as a Tensor is not supported for capturable=False and foreach=True")
            state_steps.append(state["step"])

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps = [], [], [], [], [], []
                self._init_group(group, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps)
                beta1, beta2 = group["betas"]
                adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps,
                     amsgrad=group["amsgrad"], beta1=beta1, beta2=beta2, lr=group["lr"],
                     weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"],
                     capturable=group["capturable"], differentiable=group["differentiable"],
                     decoupled_weight_decay=group["decoupled_weight_decay"])
        return loss


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False,
         decoupled_weight_decay=False, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize):
    """Functional Adam (``torch.optim.adam.adam``) over lists of tensors, updated in place."""
    if grad_scale is not None or found_inf is not None:
        raise NotImplementedError("adam: grad_scale/found_inf (AMP gradient scaling) are not supported by ember")
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, amsgrad,
                                    beta1, beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay)
    lr, beta1, beta2 = _scalar(lr), _scalar(beta1), _scalar(beta2)
    weight_decay = _scalar(weight_decay)
    for i, p in enumerate(params):
        if capturable:
            _check_capturable(p)
        d = _real(p._data)
        g = _real(grads[i]._data)
        if maximize:
            g = np.negative(g)
        st = state_steps[i]._data
        st += 1
        step = float(st)
        if weight_decay != 0:
            if decoupled_weight_decay:
                d *= 1 - lr * weight_decay
            else:
                g = _add_scaled(g, d, weight_decay)
        m = _real(exp_avgs[i]._data)
        v = _real(exp_avg_sqs[i]._data)
        tmp = np.empty_like(m)
        _lerp_(m, g, 1 - beta1, tmp)
        v *= beta2
        _addcmul_(v, g, g, 1 - beta2, tmp)
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
