"""``randn(10**7)`` from the default generator, and the per-call cost of small draws."""
from common import emit, framework, median_time, setup

args = setup(__doc__)
torch = framework(args)
torch.manual_seed(0)
emit("random", "randn_1e7_ms", median_time(lambda: torch.randn(10 ** 7), args.repeats) * 1e3, "ms")
emit("random", "randn_100x100_us", median_time(lambda: torch.randn(100, 100), args.repeats) * 1e6, "us")
emit("random", "rand_10_us", median_time(lambda: torch.rand(10), args.repeats) * 1e6, "us")
