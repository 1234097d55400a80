"""DataLoader over a 60000x1x28x28 TensorDataset (batch 64, shuffle): batches/s with 0 and 2 workers."""
import time

from common import emit, framework, peak_rss_mb, setup

args = setup(__doc__)
torch = framework(args)
data = torch.utils.data
torch.manual_seed(0)
ds = data.TensorDataset(torch.randn(60000, 1, 28, 28), torch.randint(0, 10, (60000,)))
for workers in (0, 2):
    loader = data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=workers)
    best = []
    for _ in range(max(1, args.repeats // 2)):
        t0 = time.perf_counter()
        n = sum(1 for _ in loader)
        best.append(n / (time.perf_counter() - t0))
    emit("dataloader", f"workers{workers}_batches_per_s", sorted(best)[len(best) // 2], "batches/s",
         lower_is_better=False)
emit("dataloader", "peak_rss", peak_rss_mb(), "MB")
