"""``torch.optim.nadam``: NAdam (Adam with Nesterov momentum and momentum decay)."""
import numpy as np

from .optimizer import (Optimizer, _adam_moments, _addcdiv_, _check_betas, _check_lr, _check_nonnegative,
                        _check_state_steps, _l2_grad, _new_step, _new_zeros, _recording, _scalar, _start_update,
                        _step_tensor)

__all__ = ["NAdam", "nadam"]


class NAdam(Optimizer):
    """``torch.optim.NAdam``.

    ``mu_t = beta1*(1 - 0.5*0.96^(t*momentum_decay))``; the running product ``mu_product`` is a float32 0-d
    state tensor as in torch.  ``p -= lr*(1-mu_t)/(1-prod_t) * g/denom + lr*mu_{t+1}/(1-prod_{t+1}) * m/denom``
    with ``denom = sqrt(v/(1-beta2^t)) + eps``.  ``decoupled_weight_decay`` scales ``p`` by ``1 - lr*wd``.
    ``foreach`` is accepted and gives the for-loop results.
    """

    _state_spec = (("step", _new_step, None),
                   ("mu_product", lambda opt, p, group: _step_tensor(p, group["capturable"], value=1.0), None),
                   ("exp_avg", _new_zeros, None), ("exp_avg_sq", _new_zeros, None))
    _group_defaults = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                       "decoupled_weight_decay": False}
    _scalar_state = ("step", "mu_product")

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay")
        _check_nonnegative(momentum_decay, "momentum_decay")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, mu_products, exp_avgs, exp_avg_sqs):
        beta1, beta2 = group["betas"]
        nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, beta1=beta1, beta2=beta2,
              lr=group["lr"], weight_decay=group["weight_decay"], momentum_decay=group["momentum_decay"],
              eps=group["eps"], maximize=group["maximize"], decoupled_weight_decay=group["decoupled_weight_decay"],
              capturable=group["capturable"], differentiable=group["differentiable"])


def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, decoupled_weight_decay=False, foreach=None,
          capturable=False, differentiable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, momentum_decay, eps):
    """Functional NAdam (``torch.optim.nadam.nadam``) over lists of tensors, updated in place."""
    _check_state_steps(state_steps)
    _check_state_steps(mu_products, "mu_products")
    if differentiable or _recording(params, grads):
        return _differentiable_nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, beta1, beta2,
                                     lr, weight_decay, momentum_decay, eps, decoupled_weight_decay, maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        step, d, g, m, v = _start_update(p, grads[i], state_steps[i], (exp_avgs[i], exp_avg_sqs[i]), capturable,
                                         maximize, weight_decay, lr, decoupled_weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mp = mu_products[i]._data
        mp *= mu
        mu_product = mp.item()
        tmp = _adam_moments(m, v, g, beta1, beta2)
        denom = np.divide(v, 1 - beta2 ** step)
        np.sqrt(denom, out=denom)
        denom += eps
        _addcdiv_(d, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product), tmp)
        p._bump()
        _addcdiv_(d, m, denom, (-lr * mu_next) / (1.0 - mu_product * mu_next), tmp)
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
