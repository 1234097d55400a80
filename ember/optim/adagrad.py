"""``torch.optim.adagrad``: Adagrad (learning-rate decay, initial accumulator, weight decay)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcdiv_, _check_fused, _check_lr, _closure_loss, _full_like,
                        _grad_for, _l2_grad, _real, _recording, _scalar, _step_tensor)

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``.

    ``clr = lr / (1 + (t-1)*lr_decay)``, ``sum += g*g``, ``p -= clr * g / (sqrt(sum) + eps)``.  The state
    (``step``, ``sum`` filled with ``initial_accumulator_value``) is created at construction, as in torch.
    ``foreach``/``fused`` are accepted and give the for-loop results.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p, group, initial_accumulator_value)

    @staticmethod
    def _init_state(state, p, group, initial_accumulator_value):
        state["step"] = _step_tensor(p, group["fused"], group["fused"])
        value = complex(initial_accumulator_value, initial_accumulator_value) if p.is_complex() \
            else initial_accumulator_value
        state["sum"] = _full_like(p, value)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        self._tensorize_state("step")

    def share_memory(self):
        """Move the ``sum`` accumulators to shared memory (``Tensor.share_memory_``)."""
        from .. import multiprocessing  # noqa: F401  (binds Tensor.share_memory_)
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, state_sums, state_steps = [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        self._init_state(state, p, group, self.defaults["initial_accumulator_value"])
                    state_sums.append(state["sum"])
                    state_steps.append(state["step"])
                adagrad(params, grads, state_sums, state_steps, lr=group["lr"], weight_decay=group["weight_decay"],
                        lr_decay=group["lr_decay"], eps=group["eps"], maximize=group["maximize"],
                        differentiable=group["differentiable"])
        return loss


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    """Functional Adagrad (``torch.optim.adagrad.adagrad``) over lists of tensors, updated in place."""
    if grad_scale is not None or found_inf is not None:
        raise NotImplementedError("adagrad: grad_scale/found_inf (AMP gradient scaling) are not supported by ember")
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_adagrad(params, grads, state_sums, state_steps, lr, weight_decay, lr_decay, eps,
                                       maximize)
    lr = _scalar(lr)
    for p, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        st = step_t._data
        st += 1
        step = float(st)
        d = _real(p._data)
        g = _real(grad._data)
        if maximize:
            g = np.negative(g)
        if weight_decay != 0:
            g = _add_scaled(g, d, weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        s = _real(state_sum._data)
        tmp = np.multiply(g, g)
        s += tmp
        std = np.sqrt(s)
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
