"""``torch.optim.adagrad``: Adagrad (learning-rate decay, initial accumulator, weight decay)."""
import numpy as np

from .optimizer import (Optimizer, _addcdiv_, _check_fused, _check_lr, _check_nonnegative, _check_state_steps,
                        _full_like, _l2_grad, _new_step, _recording, _scalar, _start_update)

__all__ = ["Adagrad", "adagrad"]


def _new_sum(optimizer, p, group):
    """The accumulator, filled with the constructor's ``initial_accumulator_value`` (as torch's constructor)."""
    value = optimizer.defaults["initial_accumulator_value"]
    return _full_like(p, complex(value, value) if p.is_complex() else value)


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``.

    ``clr = lr / (1 + (t-1)*lr_decay)``, ``sum += g*g``, ``p -= clr * g / (sqrt(sum) + eps)``.  The state
    (``step``, ``sum`` filled with ``initial_accumulator_value``) is created at construction, as in torch.
    ``foreach``/``fused`` are accepted and give the for-loop results.
    """

    _state_spec = (("step", _new_step, None), ("sum", _new_sum, None))
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}
    _scalar_state = ("step",)

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check_nonnegative(lr_decay, "lr_decay")
        _check_nonnegative(weight_decay, "weight_decay")
        _check_nonnegative(initial_accumulator_value, "initial_accumulator_value")
        _check_nonnegative(eps, "epsilon")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)
        for group in self.param_groups:
            for p in group["params"]:
                self._fill_state(self.state[p], p, group)

    def share_memory(self):
        """Move the ``sum`` accumulators to shared memory (``Tensor.share_memory_``)."""
        from .. import multiprocessing  # noqa: F401  (binds Tensor.share_memory_)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, state_sums):
        adagrad(params, grads, state_sums, state_steps, lr=group["lr"], weight_decay=group["weight_decay"],
                lr_decay=group["lr_decay"], eps=group["eps"], maximize=group["maximize"],
                differentiable=group["differentiable"])


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    """Functional Adagrad (``torch.optim.adagrad.adagrad``) over lists of tensors, updated in place."""
    if grad_scale is not None or found_inf is not None:
        raise NotImplementedError("adagrad: grad_scale/found_inf (AMP gradient scaling) are not supported by ember")
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_adagrad(params, grads, state_sums, state_steps, lr, weight_decay, lr_decay, eps,
                                       maximize)
    lr = _scalar(lr)
    multiply, sqrt = np.multiply, np.sqrt
    for p, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        step, d, g, s = _start_update(p, grad, step_t, (state_sum,), False, maximize, weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        tmp = multiply(g, g)
        s += tmp
        std = sqrt(s)
        std += eps
        _addcdiv_(d, g, std, -clr, tmp)
        p._bump()


def _differentiable_adagrad(params, grads, state_sums, state_steps, lr, weight_decay, lr_decay, eps, maximize):
    """torch's single-tensor Adagrad on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.views import view_as_real
    lr = _scalar(lr)
    for param, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        step_t += 1
        step = step_t.item()
        grad = grad if not maximize else -grad
        if weight_decay != 0:
            grad = _l2_grad(grad, param, weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        if param.is_complex():
            grad, state_sum, param = view_as_real(grad), view_as_real(state_sum), view_as_real(param)
        state_sum.addcmul_(grad, grad, value=1)
        std = state_sum.sqrt() + eps
        param.addcdiv_(grad, std, value=-clr)
