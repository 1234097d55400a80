"""Shared plumbing for Ember's benchmark workloads.

Each workload runs with ``--framework torch`` or ``--framework ember`` (the same code, the module
bound to the name ``torch``), times with warm-up and repeated runs, and prints one ``RESULT {json}``
line per metric: the runner (bench/run.py) collects them into a side-by-side table.
"""
import argparse
import importlib
import json
import os
import resource
import statistics
import time


def setup(description, **extra):
    """Parse args and pin BLAS/OpenMP threads before numpy or torch is imported."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--framework", choices=("torch", "ember"), default="ember")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    for name, (typ, default) in extra.items():
        p.add_argument("--" + name.replace("_", "-"), dest=name, type=typ, default=default)
    args = p.parse_args()
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    return args


def framework(args):
    mod = importlib.import_module(args.framework)
    mod.set_num_threads(args.threads)
    return mod


def median_time(fn, repeats=5, min_time=0.1, warmup=1):
    """Median seconds per call over ``repeats`` runs; each run loops enough calls to last ``min_time``."""
    for _ in range(warmup):
        fn()
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time or number >= 1 << 20:
            break
        number *= 2 if dt == 0 else max(2, int(min_time / max(dt, 1e-9)))
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - t0) / number)
    return statistics.median(runs)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(workload, metric, value, unit, lower_is_better=True, **info):
    print("RESULT " + json.dumps({"workload": workload, "metric": metric, "value": value, "unit": unit,
                                  "lower_is_better": lower_is_better, **info}), flush=True)
