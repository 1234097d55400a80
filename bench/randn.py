"""``randn(10**7)`` from the default generator."""
from common import emit, framework, median_time, setup

args = setup(__doc__)
torch = framework(args)
torch.manual_seed(0)
emit("random", "randn_1e7_ms", median_time(lambda: torch.randn(10 ** 7), args.repeats) * 1e3, "ms")
