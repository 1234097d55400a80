"""Ember in one screen: tensors, views, type promotion, autograd — with the torch API.

Run with ``python examples/quickstart.py``.  The same code runs under real PyTorch by changing the import.
"""
import ember as torch

x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
print("x =", x)
print("x.t() is a view with strides", x.t().stride(), "sharing storage:",
      x.t().untyped_storage().data_ptr() == x.untyped_storage().data_ptr())
print("int / int gives", (torch.arange(3) / 2).dtype, "; int + 1.5 gives", (torch.arange(3) + 1.5).dtype)

w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
loss = ((x * w).sum(dim=1) ** 2).mean()
print("loss =", loss)
loss.backward()
print("d loss / d w =", w.grad)

g, = torch.autograd.grad((w ** 3).sum(), w, create_graph=True)
gg, = torch.autograd.grad(g.sum(), w)
print("second derivative of sum(w^3):", gg)
