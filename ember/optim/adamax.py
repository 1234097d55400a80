"""``torch.optim.adamax``: Adamax (Adam with the infinity norm)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcdiv_, _check_capturable, _check_lr, _closure_loss, _grad_for,
                        _l2_grad, _lerp_, _real, _recording, _scalar, _step_tensor, _zeros_like)

__all__ = ["Adamax", "adamax"]


class Adamax(Optimizer):
    """``torch.optim.Adamax``.

    ``m = lerp(m, g, 1-beta1)``, ``u = max(beta2*u, |g| + eps)``, ``p -= lr/(1-beta1^t) * m/u``.
    ``foreach`` is accepted and gives the for-loop results.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
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
                params, grads, exp_avgs, exp_infs, state_steps = [], [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(p, group["capturable"])
                        state["exp_avg"] = _zeros_like(p)
                        state["exp_inf"] = _zeros_like(p)
                    exp_avgs.append(state["exp_avg"])
                    exp_infs.append(state["exp_inf"])
                    state_steps.append(state["step"])
                beta1, beta2 = group["betas"]
                adamax(params, grads, exp_avgs, exp_infs, state_steps, eps=group["eps"], beta1=beta1, beta2=beta2,
                       lr=group["lr"], weight_decay=group["weight_decay"], maximize=group["maximize"],
                       differentiable=group["differentiable"], capturable=group["capturable"])
        return loss


def adamax(params, grads, exp_avgs, exp_infs, state_steps, foreach=None, maximize=False, differentiable=False,
           capturable=False, has_complex=False, *, eps, beta1, beta2, lr, weight_decay):
    """Functional Adamax (``torch.optim.adamax.adamax``) over lists of tensors, updated in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_adamax(params, grads, exp_avgs, exp_infs, state_steps, eps, beta1, beta2, lr,
                                      weight_decay, maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        if capturable:
            _check_capturable(p)
        g = grads[i]._data
        if maximize:
            g = np.negative(g)
        st = state_steps[i]._data
        st += 1
        if weight_decay != 0:
            g = _add_scaled(g, p._data, weight_decay)
        d, g = _real(p._data), _real(g)
        m = _real(exp_avgs[i]._data)
        u = _real(exp_infs[i]._data)
        tmp = np.empty_like(m)
        _lerp_(m, g, 1 - beta1, tmp)
        u *= beta2
        np.abs(g, out=tmp)
        tmp += eps
        np.maximum(u, tmp, out=u)
        clr = lr / (1 - beta1 ** float(st))
        _addcdiv_(d, m, u, -clr, tmp)
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
