"""``torch.optim.sgd``: stochastic gradient descent with momentum, dampening, Nesterov, weight decay."""
import numpy as np

from .._tensor import Tensor, _wrap
from .optimizer import Optimizer, _add_scaled, _check_fused, _l2_grad, _recording, _scalar

__all__ = ["SGD", "sgd"]


class SGD(Optimizer):
    """``torch.optim.SGD``.

    Per step, with ``g`` the gradient (negated when ``maximize``): ``g += weight_decay * p``; with momentum
    ``buf = momentum * buf + (1 - dampening) * g`` (the first step copies ``g``), then ``g = buf`` or, with
    ``nesterov``, ``g += momentum * buf``; finally ``p -= lr * g``.  ``foreach``/``fused`` are accepted and
    give the for-loop results.
    """

    _state_spec = (("momentum_buffer", None, lambda group: group["momentum"] != 0),)
    _group_defaults = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
                       "fused": False}

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach, "differentiable": differentiable,
                    "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_fused(fused, differentiable, foreach)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, bufs):
        sgd(params, grads, bufs, weight_decay=group["weight_decay"], momentum=group["momentum"], lr=group["lr"],
            dampening=group["dampening"], nesterov=group["nesterov"], maximize=group["maximize"])
        if group["momentum"] != 0:
            state = self.state
            for p, buf in zip(params, bufs):
                state[p]["momentum_buffer"] = buf


def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=False, foreach=None, fused=None, grad_scale=None,
        found_inf=None, *, weight_decay, momentum, lr, dampening, nesterov, maximize):
    """Functional SGD (``torch.optim.sgd.sgd``): updates ``params`` in place; ``None`` entries of
    ``momentum_buffer_list`` are replaced by the new buffers."""
    if grad_scale is not None or found_inf is not None:
        raise NotImplementedError("sgd: grad_scale/found_inf (AMP gradient scaling) are not supported by ember")
    if _recording(params, d_p_list):
        return _differentiable_sgd(params, d_p_list, momentum_buffer_list, weight_decay, momentum, lr, dampening,
                                   nesterov, maximize)
    lr = _scalar(lr)
    weight_decay = _scalar(weight_decay)
    multiply = np.multiply
    for i, p in enumerate(params):
        d, g = p._data, d_p_list[i]._data
        if maximize:
            g = np.negative(g)
        if weight_decay != 0:
            g = _add_scaled(g, d, weight_decay)
        if momentum != 0:
            buf = momentum_buffer_list[i]
            if buf is None:
                b = g.copy(order="K")
                momentum_buffer_list[i] = _wrap(b)
            else:
                b = buf._data
                b *= momentum
                b += g if dampening == 0 else multiply(g, 1 - dampening)
            g = _add_scaled(g, b, momentum) if nesterov else b
        d -= multiply(g, lr)
        p._bump()


def _differentiable_sgd(params, grads, bufs, weight_decay, momentum, lr, dampening, nesterov, maximize):
    """torch's single-tensor SGD on tensors, so autograd records the update (``differentiable=True``)."""
    if isinstance(lr, Tensor) and lr.dim() != 0:
        lr = lr.squeeze()
    for i, p in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        if weight_decay != 0:
            if isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
                grad = grad.addcmul_(p.clone(), weight_decay)
            else:
                grad = _l2_grad(grad, p, weight_decay)
        if momentum != 0:
            buf = bufs[i]
            if buf is None:
                buf = bufs[i] = grad.detach().clone()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - dampening)
            # the buffer changes in place next step: the update reads a copy (ember's scalar ops save operands)
            grad = grad.add(buf.clone(), alpha=momentum) if nesterov else buf.clone()
        if isinstance(lr, Tensor) and lr.requires_grad:
            p.addcmul_(grad, lr, value=-1)
        else:
            p.add_(grad, alpha=-_scalar(lr))
