"""``torch.optim.rprop``: resilient backpropagation."""
import numpy as np

from .optimizer import (Optimizer, _check_lr, _check_state_steps, _full_like, _new_step, _new_zeros, _recording,
                        _start_update, _to_scalar)

__all__ = ["Rprop", "rprop"]


def _new_step_size(optimizer, p, group):
    """Per-element step sizes, starting at ``lr`` (``lr + lr*1j`` for complex parameters)."""
    lr = _to_scalar(group["lr"])
    return _full_like(p._grad, complex(lr, lr) if p.is_complex() else float(lr))


class Rprop(Optimizer):
    """``torch.optim.Rprop``.

    Per element, by the sign of ``g * prev``: positive multiplies the step size by ``etaplus``, negative by
    ``etaminus`` (and skips this update, zeroing the remembered gradient), zero keeps it; step sizes are
    clamped to ``step_sizes``; ``p -= sign(g) * step_size``.  ``foreach`` is accepted and gives the for-loop
    results.
    """

    _state_spec = (("step", _new_step, None), ("prev", _new_zeros, None), ("step_size", _new_step_size, None))
    _group_defaults = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}
    _scalar_state = ("step",)

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, prevs, step_sizes):
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        rprop(params, grads, prevs, step_sizes, state_steps, step_size_min=step_size_min,
              step_size_max=step_size_max, etaminus=etaminus, etaplus=etaplus, maximize=group["maximize"],
              differentiable=group["differentiable"], capturable=group["capturable"])


def rprop(params, grads, prevs, step_sizes, state_steps, foreach=None, capturable=False, maximize=False,
          differentiable=False, has_complex=False, *, step_size_min, step_size_max, etaminus, etaplus):
    """Functional Rprop (``torch.optim.rprop.rprop``) over lists of tensors, updated in place."""
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_rprop(params, grads, prevs, step_sizes, state_steps, step_size_min, step_size_max,
                                     etaminus, etaplus, maximize)
    for i, p in enumerate(params):
        _, d, g, prev, step_size = _start_update(p, grads[i], state_steps[i], (prevs[i], step_sizes[i]), capturable,
                                                 maximize, 0)
        if not maximize:
            g = g.copy()
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
