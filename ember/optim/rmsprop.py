"""``torch.optim.rmsprop``: RMSprop (centered, momentum, weight decay)."""
import numpy as np

from .._tensor import Tensor
from .optimizer import (Optimizer, _add_scaled, _addcdiv_, _addcmul_, _check_capturable, _check_lr, _closure_loss,
                        _grad_for, _l2_grad, _lerp_, _real, _recording, _scalar, _step_tensor, _zeros_like)

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    """``torch.optim.RMSprop``.

    ``v = alpha*v + (1-alpha)*g*g``; centered: ``gavg = lerp(gavg, g, 1-alpha)``, ``avg = sqrt(v - gavg^2)``,
    else ``avg = sqrt(v)``; ``avg += eps``; with momentum ``buf = momentum*buf + g/avg``, ``p -= lr*buf``,
    else ``p -= lr*g/avg``.  ``foreach`` is accepted and gives the for-loop results.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        self._tensorize_state("step")

    def step(self, closure=None):
        loss = _closure_loss(closure)
        with _grad_for(self):
            for group in self.param_groups:
                params, grads, square_avgs, grad_avgs, bufs, state_steps = [], [], [], [], [], []
                momentum, centered = group["momentum"], group["centered"]
                for p in group["params"]:
                    if p._grad is None:
                        continue
                    params.append(p)
                    grads.append(p._grad)
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = _step_tensor(p, group["capturable"])
                        state["square_avg"] = _zeros_like(p)
                        if momentum > 0:
                            state["momentum_buffer"] = _zeros_like(p)
                        if centered:
                            state["grad_avg"] = _zeros_like(p)
                    square_avgs.append(state["square_avg"])
                    state_steps.append(state["step"])
                    if momentum > 0:
                        bufs.append(state["momentum_buffer"])
                    if centered:
                        grad_avgs.append(state["grad_avg"])
                rmsprop(params, grads, square_avgs, grad_avgs, bufs, state_steps, lr=group["lr"],
                        alpha=group["alpha"], eps=group["eps"], weight_decay=group["weight_decay"], momentum=momentum,
                        centered=centered, maximize=group["maximize"], differentiable=group["differentiable"],
                        capturable=group["capturable"])
        return loss


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, foreach=None, maximize=False,
            differentiable=False, capturable=False, has_complex=False, *, lr, alpha, eps, weight_decay, momentum,
            centered):
    """Functional RMSprop (``torch.optim.rmsprop.rmsprop``) over lists of tensors, updated in place."""
    if not all(isinstance(t, Tensor) for t in state_steps):
        raise RuntimeError("API has changed, `state_steps` argument must contain a list of singleton tensors")
    if differentiable or _recording(params, grads):
        return _differentiable_rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, lr,
                                       alpha, eps, weight_decay, momentum, centered, maximize)
    lr = _scalar(lr)
    for i, p in enumerate(params):
        if capturable:
            _check_capturable(p)
        st = state_steps[i]._data
        st += 1
        g = grads[i]._data
        if maximize:
            g = np.negative(g)
        if weight_decay != 0:
            g = _add_scaled(g, p._data, weight_decay)
        d = _real(p._data)
        g = _real(g)
        v = _real(square_avgs[i]._data)
        tmp = np.empty_like(v)
        v *= alpha
        _addcmul_(v, g, g, 1 - alpha, tmp)
        if centered:
            gavg = _real(grad_avgs[i]._data)
            _lerp_(gavg, g, 1 - alpha, tmp)
            avg = np.multiply(gavg, -1.0)
            avg *= gavg
            avg += v
            np.sqrt(avg, out=avg)
        else:
            avg = np.sqrt(v)
        avg += eps
        if momentum > 0:
            buf = _real(momentum_buffer_list[i]._data)
            buf *= momentum
            np.divide(g, avg, out=tmp)
            buf += tmp
            np.multiply(buf, lr, out=tmp)
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
