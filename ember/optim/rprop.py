"""``torch.optim.rprop``: resilient backpropagation."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _check_capturable, _check_lr, _closure_loss, _full_like, _grad_for, _real,
                        _recording, _step_tensor, _to_scalar, _zeros_like)

__all__ = ["Rprop", "rprop"]


class Rprop(Optimizer):
    """``torch.optim.Rprop``.

    Per element, by the sign of ``g * prev``: positive multiplies the step size by ``etaplus``, negative by
    ``etaminus`` (and skips this update, zeroing the remembered gradient), zero keeps it; step sizes are
    clamped to ``step_sizes``; ``p -= sign(g) * step_size``.  ``foreach`` is accepted and gives the for-loop
    results.
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
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
                params, grads, prevs, step_sizes, state_steps = [], [], [], [], []
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(p, group["capturable"])
                        state["prev"] = _zeros_like(p)
                        lr = _to_scalar(group["lr"])
                        state["step_size"] = _full_like(p._grad, complex(lr, lr) if p.is_complex() else float(lr))
                    prevs.append(state["prev"])
                    step_sizes.append(state["step_size"])
                    state_steps.append(state["step"])
                etaminus, etaplus = group["etas"]
                step_size_min, step_size_max = group["step_sizes"]
                rprop(params, grads, prevs, step_sizes, state_steps, step_size_min=step_size_min,
                      step_size_max=step_size_max, etaminus=etaminus, etaplus=etaplus, maximize=group["maximize"],
                      differentiable=group["differentiable"], capturable=group["capturable"])
        return loss


def rprop(params, grads, prevs, step_sizes, state_steps, foreach=None, capturable=False, maximize=False,
          differentiable=False, has_complex=False, *, step_size_min, step_size_max, etaminus, etaplus):
    """Functional Rprop (``torch.optim.rprop.rprop``) over lists of tensors, updated in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_rprop(params, grads, prevs, step_sizes, state_steps, step_size_min, step_size_max,
                                     etaminus, etaplus, maximize)
    for i, p in enumerate(params):
        if capturable:
            _check_capturable(p)
        st = state_steps[i]._data
        st += 1
        g = grads[i]._data
        g = _real(np.negative(g) if maximize else g.copy())
        prev = _real(prevs[i]._data)
        step_size = _real(step_sizes[i]._data)
        prod = g * prev
        neg = prod < 0
        factor = np.ones_like(step_size)
        factor[prod > 0] = etaplus
        factor[neg] = etaminus
        step_size *= factor
        np.clip(step_size, step_size_min, step_size_max, out=step_size)
        g[neg] = 0
        upd = np.sign(g)
        upd *= step_size
        d = _real(p._data)
        d -= upd
        prev[...] = g
        p._bump()


def _differentiable_rprop(params, grads, prevs, step_sizes, state_steps, step_size_min, step_size_max, etaminus,
                          etaplus, maximize):
    """torch's single-tensor Rprop on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.views import view_as_real
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        prev, step_size = prevs[i], step_sizes[i]
        state_steps[i] += 1
        if param.is_complex():
            grad, prev = view_as_real(grad), view_as_real(prev)
            param, step_size = view_as_real(param), view_as_real(step_size)
        sign = grad.mul(prev.clone()).sign()
        sign[sign.gt(0)] = etaplus
        sign[sign.lt(0)] = etaminus
        sign[sign.eq(0)] = 1
        step_size.mul_(sign).clamp_(step_size_min, step_size_max)
        grad = grad.clone()
        grad[sign.eq(etaminus)] = 0
        param.addcmul_(grad.sign(), step_size, value=-1)
        prev.copy_(grad)
