"""``torch.optim.radam``: RAdam (rectified Adam)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcmul_, _check_capturable, _check_lr, _closure_loss, _grad_for,
                        _l2_grad, _lerp_, _real, _recording, _scalar, _step_tensor, _zeros_like)

__all__ = ["RAdam", "radam"]


class RAdam(Optimizer):
    """``torch.optim.RAdam``.

    With ``rho_t = rho_inf - 2t*beta2^t/(1-beta2^t)``: when ``rho_t > 5`` the Adam step is scaled by the
    variance rectification term, otherwise ``p -= lr * m/(1-beta1^t)`` (SGD with momentum).
    ``decoupled_weight_decay`` scales ``p`` by ``1 - lr*wd``.  ``foreach`` is accepted and gives the for-loop
    results.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable, "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("capturable", False)
        self._tensorize_state("step")

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, exp_avgs, exp_avg_sqs, state_steps = [], [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(p, group["capturable"])
                        state["exp_avg"] = _zeros_like(p)
                        state["exp_avg_sq"] = _zeros_like(p)
                    exp_avgs.append(state["exp_avg"])
                    exp_avg_sqs.append(state["exp_avg_sq"])
                    state_steps.append(state["step"])
                beta1, beta2 = group["betas"]
                radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, beta1=beta1, beta2=beta2, lr=group["lr"],
                      weight_decay=group["weight_decay"], eps=group["eps"], maximize=group["maximize"],
                      capturable=group["capturable"], differentiable=group["differentiable"],
                      decoupled_weight_decay=group["decoupled_weight_decay"])
        return loss


def _rect(rho_t, rho_inf):
    return ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5


def radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, decoupled_weight_decay=False, foreach=None,
          differentiable=False, capturable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, eps):
    """Functional RAdam (``torch.optim.radam.radam``) over lists of tensors, updated in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, beta1, beta2, lr,
                                     weight_decay, eps, decoupled_weight_decay, maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        if capturable:
            _check_capturable(p)
        g = grads[i]._data
        if maximize:
            g = np.negative(g)
        st = state_steps[i]._data
        st += 1
        step = float(st)
        d = p._data
        if weight_decay != 0:
            if decoupled_weight_decay:
                d *= 1 - lr * weight_decay
            else:
                g = _add_scaled(g, d, weight_decay)
        d, g = _real(d), _real(g)
        m = _real(exp_avgs[i]._data)
        v = _real(exp_avg_sqs[i]._data)
        tmp = np.empty_like(m)
        _lerp_(m, g, 1 - beta1, tmp)
        v *= beta2
        _addcmul_(v, g, g, 1 - beta2, tmp)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        upd = np.divide(m, bias_correction1, out=tmp)
        rho_inf = 2 / (1 - beta2) - 1
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
