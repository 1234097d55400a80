"""Wall time of ``import <framework>`` in a fresh interpreter, and resident memory after it."""
import subprocess
import sys

from common import emit, setup

args = setup(__doc__)
code = ("import time,resource;t=time.perf_counter();import {m};"
        "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)")
times, rss = [], []
for _ in range(args.repeats):
    out = subprocess.run([sys.executable, "-c", code.format(m=args.framework)], capture_output=True, text=True,
                         check=True).stdout.split()
    times.append(float(out[0]))
    rss.append(float(out[1]))
times.sort()
emit("import", "seconds", times[len(times) // 2], "s")
emit("import", "rss_after_import", sorted(rss)[len(rss) // 2], "MB")
