"""Per-op overhead on 10-element float32 tensors: add/mul/sum, with and without requires_grad, and a
tiny forward+backward ``(x * w).sum().backward()``."""
from common import emit, framework, median_time, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
x, y = torch.randn(10), torch.randn(10)
xg = torch.randn(10, requires_grad=True)
w = torch.randn(10, requires_grad=True)


def fwd_bwd():
    w.grad = None
    (x * w).sum().backward()


for name, fn in (("add", lambda: x + y), ("mul", lambda: x * y), ("sum", lambda: x.sum()),
                 ("add_rg", lambda: xg + y), ("mul_rg", lambda: xg * y), ("fwd_bwd", fwd_bwd)):
    emit("op_overhead", name, median_time(fn, args.repeats) * 1e6, "us")
emit("op_overhead", "peak_rss", peak_rss_mb(), "MB")
