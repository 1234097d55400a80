"""Loading a 100 MB state_dict (25 float32 tensors of 1M elements) written by the framework's save."""
import os
import tempfile
import time

from common import emit, framework, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
state = {f"layer{i}.weight": torch.randn(1000, 1000) for i in range(25)}
path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
torch.save(state, path)
del state
times = []
for _ in range(args.repeats):
    t0 = time.perf_counter()
    loaded = torch.load(path)
    times.append(time.perf_counter() - t0)
    del loaded
emit("checkpoint", "load_100MB_ms", sorted(times)[len(times) // 2] * 1e3, "ms")
emit("checkpoint", "peak_rss", peak_rss_mb(), "MB")
os.remove(path)
