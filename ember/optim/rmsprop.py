"""``torch.optim.rmsprop``: RMSprop (centered, momentum, weight decay)."""
import numpy as np

from .optimizer import (Optimizer, _addcdiv_, _addcmul_, _check_lr, _check_nonnegative, _check_state_steps, _l2_grad,
                        _lerp_, _new_step, _new_zeros, _real, _recording, _scalar, _start_update)

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    """``torch.optim.RMSprop``.

    ``v = alpha*v + (1-alpha)*g*g``; centered: ``gavg = lerp(gavg, g, 1-alpha)``, ``avg = sqrt(v - gavg^2)``,
    else ``avg = sqrt(v)``; ``avg += eps``; with momentum ``buf = momentum*buf + g/avg``, ``p -= lr*buf``,
    else ``p -= lr*g/avg``.  ``foreach`` is accepted and gives the for-loop results.
    """

    _state_spec = (("step", _new_step, None), ("square_avg", _new_zeros, None),
                   ("momentum_buffer", _new_zeros, lambda group: group["momentum"] > 0),
                   ("grad_avg", _new_zeros, lambda group: group["centered"]))
    _group_defaults = {"momentum": 0, "centered": False, "foreach": None, "maximize": False, "differentiable": False,
                       "capturable": False}
    _scalar_state = ("step",)

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon")
        _check_nonnegative(momentum, "momentum")
        _check_nonnegative(weight_decay, "weight_decay")
        _check_nonnegative(alpha, "alpha")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure)

    def _update_group(self, group, params, grads, state_steps, square_avgs, bufs, grad_avgs):
        rmsprop(params, grads, square_avgs, grad_avgs, bufs, state_steps, lr=group["lr"], alpha=group["alpha"],
                eps=group["eps"], weight_decay=group["weight_decay"], momentum=group["momentum"],
                centered=group["centered"], maximize=group["maximize"], differentiable=group["differentiable"],
                capturable=group["capturable"])


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, foreach=None, maximize=False,
            differentiable=False, capturable=False, has_complex=False, *, lr, alpha, eps, weight_decay, momentum,
            centered):
    """Functional RMSprop (``torch.optim.rmsprop.rmsprop``) over lists of tensors, updated in place."""
    _check_state_steps(state_steps)
    if differentiable or _recording(params, grads):
        return _differentiable_rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, lr,
                                       alpha, eps, weight_decay, momentum, centered, maximize)
    lr = _scalar(lr)
    multiply, sqrt = np.multiply, np.sqrt
    for i, p in enumerate(params):
        _, d, g, v = _start_update(p, grads[i], state_steps[i], (square_avgs[i],), capturable, maximize,
                                   weight_decay)
        cplx = p._data.dtype.kind == "c"
        tmp = np.empty_like(v)
        v *= alpha
        _addcmul_(v, g, g, 1 - alpha, tmp)
        if centered:
            gavg = grad_avgs[i]._data
            if cplx:
                gavg = _real(gavg)
            _lerp_(gavg, g, 1 - alpha, tmp)
            avg = multiply(gavg, gavg)
            np.subtract(v, avg, out=avg)
            sqrt(avg, out=avg)
        else:
            avg = sqrt(v)
        avg += eps
        if momentum > 0:
            buf = momentum_buffer_list[i]._data
            if cplx:
                buf = _real(buf)
            buf *= momentum
            np.divide(g, avg, out=tmp)
            buf += tmp
            multiply(buf, lr, out=tmp)
            d -= tmp
        else:
            _addcdiv_(d, g, avg, -lr, tmp)
        p._bump()


def _differentiable_rmsprop(params, grads, square_avgs, grad_avgs, bufs, state_steps, lr, alpha, eps, weight_decay,
                            momentum, centered, maximize):
    """torch's single-tensor RMSprop on tensors, recorded by autograd (``differentiable=True``)."""
    from .._ops.views import view_as_real
    lr = _scalar(lr)
    for i, param in enumerate(params):
        state_steps[i] += 1
        grad = grads[i] if not maximize else -grads[i]
        if weight_decay != 0:
            grad = _l2_grad(grad, param, weight_decay)
        square_avg = square_avgs[i]
        cplx = param.is_complex()
        if cplx:
            param, grad, square_avg = view_as_real(param), view_as_real(grad), view_as_real(square_avg)
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if centered:
            grad_avg = view_as_real(grad_avgs[i]) if cplx else grad_avgs[i]
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add(eps)
        if momentum > 0:
            buf = view_as_real(bufs[i]) if cplx else bufs[i]
            buf.mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=-lr)
        else:
            param.addcdiv_(grad, avg, value=-lr)
