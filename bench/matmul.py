"""``a @ b`` on 2048x2048 float32 (GFLOP/s), and NumPy's own rate as the BLAS limit."""
import numpy as np

from common import emit, framework, median_time, setup

args = setup(__doc__, n=(int, 2048))
torch = framework(args)
n = args.n
a, b = torch.randn(n, n), torch.randn(n, n)
t = median_time(lambda: a @ b, args.repeats)
emit("matmul", f"gflops_{n}", 2 * n ** 3 / t / 1e9, "GFLOP/s", lower_is_better=False)
emit("matmul", f"ms_{n}", t * 1e3, "ms")
an, bn = np.random.randn(n, n).astype(np.float32), np.random.randn(n, n).astype(np.float32)
emit("matmul", f"numpy_gflops_{n}", 2 * n ** 3 / median_time(lambda: an @ bn, args.repeats) / 1e9, "GFLOP/s",
     lower_is_better=False)
