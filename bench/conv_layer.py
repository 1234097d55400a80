"""conv2d 64->64 3x3 pad 1 on 8x64x56x56 float32: forward (no grad) and forward+backward."""
from common import emit, framework, median_time, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
F = torch.nn.functional
torch.manual_seed(0)
x = torch.randn(8, 64, 56, 56, requires_grad=True)
w = torch.randn(64, 64, 3, 3, requires_grad=True)
g = torch.randn(8, 64, 56, 56)


def fwd():
    with torch.no_grad():
        F.conv2d(x, w, padding=1)


def fwd_bwd():
    x.grad = w.grad = None
    F.conv2d(x, w, padding=1).backward(g)


emit("conv_layer", "fwd_ms", median_time(fwd, args.repeats) * 1e3, "ms")
emit("conv_layer", "fwd_bwd_ms", median_time(fwd_bwd, args.repeats) * 1e3, "ms")
emit("conv_layer", "peak_rss", peak_rss_mb(), "MB")
