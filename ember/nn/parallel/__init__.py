"""``torch.nn.parallel``: single-process data parallelism over several GPUs (``DataParallel``) and its parts."""
from .data_parallel import DataParallel, data_parallel
from .parallel_apply import parallel_apply
from .replicate import replicate
from .scatter_gather import gather, scatter

__all__ = ["replicate", "scatter", "parallel_apply", "gather", "data_parallel", "DataParallel"]
