"""``torch.optim.nadam``: NAdam (Adam with Nesterov momentum and momentum decay)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcdiv_, _addcmul_, _check_capturable, _check_lr, _closure_loss,
                        _grad_for, _l2_grad, _lerp_, _real, _recording, _scalar, _step_tensor, _zeros_like)

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    """``torch.optim.NAdam``.

    ``mu_t = beta1*(1 - 0.5*0.96^(t*momentum_decay))``; the running product ``mu_product`` is a float32 0-d
    state tensor as in torch.  ``p -= lr*(1-mu_t)/(1-prod_t) * g/denom + lr*mu_{t+1}/(1-prod_{t+1}) * m/denom``
    with ``denom = sqrt(v/(1-beta2^t)) + eps``.  ``decoupled_weight_decay`` scales ``p`` by ``1 - lr*wd``.
    ``foreach`` is accepted and gives the for-loop results.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
        self._tensorize_state("step", "mu_product")

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps = [], [], [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(p, group["capturable"])
                        state["mu_product"] = _step_tensor(p, group["capturable"], value=1.0)
                        state["exp_avg"] = _zeros_like(p)
                        state["exp_avg_sq"] = _zeros_like(p)
                    exp_avgs.append(state["exp_avg"])
                    exp_avg_sqs.append(state["exp_avg_sq"])
                    mu_products.append(state["mu_product"])
                    state_steps.append(state["step"])
                beta1, beta2 = group["betas"]
                nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, beta1=beta1, beta2=beta2,
                      lr=group["lr"], weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
                      eps=group["eps"], maximize=group["maximize"],
                      decoupled_weight_decay=group["decoupled_weight_decay"], capturable=group["capturable"],
                      differentiable=group["differentiable"])
        return loss


def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, decoupled_weight_decay=False, foreach=None,
          capturable=False, differentiable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, momentum_decay, eps):
    """Functional NAdam (``torch.optim.nadam.nadam``) over lists of tensors, updated in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if not all(isinstance(t, Tensor) for t in mu_products):
        raise RuntimeError("API has changed, `mu_products` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, beta1, beta2,
                                     lr, weight_decay, momentum_decay, eps, decoupled_weight_decay, maximize)
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
        bias_correction2 = 1 - beta2 ** step
        d = p._data
        if weight_decay != 0:
            if decoupled_weight_decay:
                d *= 1 - lr * weight_decay
            else:
                g = _add_scaled(g, d, weight_decay)
        d, g = _real(d), _real(g)
        m = _real(exp_avgs[i]._data)
        v = _real(exp_avg_sqs[i]._data)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mp = mu_products[i]._data
        mp *= mu
        mu_product = float(mp)
        tmp = np.empty_like(m)
        _lerp_(m, g, 1 - beta1, tmp)
        v *= beta2
        _addcmul_(v, g, g, 1 - beta2, tmp)
        denom = v / bias_correction2
        np.sqrt(denom, out=denom)
        mu_product_next = mu_product * mu_next
        denom += eps
        _addcdiv_(d, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product), tmp)
        _addcdiv_(d, m, denom, (-lr * mu_next) / (1.0 - mu_product_next), tmp)
        p._bump()


def _differentiable_nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, beta1, beta2, lr,
                          weight_decay, momentum_decay, eps, decoupled_weight_decay, maximize):
    """torch's single-tensor NAdam on tensors (its differentiable branch), recorded by autograd."""
    from .._ops.views import view_as_real
    lr = _scalar(lr)
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        exp_avg, exp_avg_sq, mu_product, step_t = exp_avgs[i], exp_avg_sqs[i], mu_products[i], state_steps[i]
        if param.is_complex():
            param, grad = view_as_real(param), view_as_real(grad)
            exp_avg, exp_avg_sq = view_as_real(exp_avg), view_as_real(exp_avg_sq)
        step_t += 1
        step = step_t.item()
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0:
            if decoupled_weight_decay:
                param.mul_(1 - lr * weight_decay)
            else:
                grad = _l2_grad(grad, param, weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product *= mu
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        denom = exp_avg_sq.clone().div(bias_correction2).sqrt().add(eps)
        mu_product_next = mu_product * mu_next
        grad = grad * (-lr * (1.0 - mu) / (1.0 - mu_product))
        exp_avg = exp_avg.clone() * (-lr * mu_next / (1.0 - mu_product_next))
        param.addcdiv_(grad, denom)
        param.addcdiv_(exp_avg, denom)
