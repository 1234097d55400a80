"""Run every workload for ember and torch (each in its own subprocess, same thread count) and print
one table: workload, metric, ember, torch, ratio.  ``--write`` also refreshes the table in BENCHMARKS.md
(between its ``bench:table`` markers; the analysis around it is kept).

    python bench/run.py [--only op_overhead,matmul] [--repeats 5] [--write]

Ratios are ember / torch for times (lower is better for ember) and torch / ember for rates, so a
ratio below 1.0 always means ember did better.
"""
import argparse
import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["op_overhead", "import_time", "matmul", "randn", "mlp_train", "lenet_train", "conv_layer",
             "resnet", "sequence", "dataloader", "checkpoint"]
TIMEOUT = 900


def run(workload, fw, repeats, threads):
    cmd = [sys.executable, os.path.join(HERE, workload + ".py"), "--framework", fw, "--repeats", str(repeats),
           "--threads", str(threads)]
    try:
        env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=HERE, env=env)
    except subprocess.TimeoutExpired:
        return {}, "timeout"
    results = {}
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            r = json.loads(line[7:])
            results[(r["workload"], r["metric"])] = r
    err = None
    if p.returncode != 0:
        tail = (p.stderr.strip().splitlines() or ["failed"])[-1]
        err = tail[:120]
    return results, err


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"


def openblas_kernels():
    """The kernel set NumPy's OpenBLAS dispatched to ('Haswell' = AVX2, 'SkylakeX' = AVX-512), or None."""
    import ctypes
    import numpy as np
    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    try:
        name = next(n for n in os.listdir(libs) if n.startswith("libscipy_openblas"))
        corename = ctypes.CDLL(os.path.join(libs, name)).scipy_openblas_get_corename64_
    except (OSError, StopIteration, AttributeError):
        return None
    corename.restype = ctypes.c_char_p
    return corename().decode()


def machine():
    import numpy as np
    cfg = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {}) if isinstance(cfg, dict) else {}
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    kernels = openblas_kernels()
    forced = os.environ.get("OPENBLAS_CORETYPE")
    kernel_note = ""
    if kernels:
        kernel_note = f", {kernels} kernels" + (f" (OPENBLAS_CORETYPE={forced} set in the environment)" if forced
                                                 else " (auto-detected)")
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, NumPy {np.__version__} "
            f"with {blas.get('name', '?')} {blas.get('version', '')}".strip() + kernel_note)


BEGIN, END = "<!-- bench:table -->", "<!-- /bench:table -->"


def write_report(path, header, table):
    """Replace the table between the markers in BENCHMARKS.md, keeping the rest of the file."""
    block = f"{BEGIN}\n{header}\n\n{table}\n{END}"
    text = open(path).read() if os.path.exists(path) else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = "# Benchmarks: Ember vs PyTorch, same machine, same run\n\n" + block + "\n" + text
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    names = [w for w in WORKLOADS if not a.only or w in a.only.split(",")]
    rows = []
    for w in names:
        res = {}
        errs = {}
        for fw in ("ember", "torch"):
            res[fw], errs[fw] = run(w, fw, a.repeats, a.threads)
            print(f"[{w}] {fw}: {len(res[fw])} metrics" + (f" ({errs[fw]})" if errs[fw] else ""), file=sys.stderr)
        keys = list(dict.fromkeys(list(res["torch"]) + list(res["ember"])))
        if not keys:
            rows.append((w, "(all)", None, None, None, "", errs["ember"] or errs["torch"] or ""))
        for k in keys:
            e, t = res["ember"].get(k), res["torch"].get(k)
            ev, tv = (e or {}).get("value"), (t or {}).get("value")
            unit = (e or t)["unit"]
            lower = (e or t).get("lower_is_better", True)
            ratio = None
            if ev and tv:
                ratio = ev / tv if lower else tv / ev
            note = "" if e else (errs["ember"] or "not run")
            rows.append((k[0], k[1], ev, tv, ratio, unit, note))
    lines = ["| workload | metric | unit | ember | torch | ratio | note |", "|---|---|---|---|---|---|---|"]
    for w, m, ev, tv, r, unit, note in rows:
        lines.append(f"| {w} | {m} | {unit} | {fmt(ev)} | {fmt(tv)} | {fmt(r)} | {note} |")
    table = "\n".join(lines)
    print(table)
    if a.write:
        header = (f"Machine: {machine()}. Threads: {a.threads} for both. torch 2.13.0 CPU.\n\n"
                  "Ratio = ember/torch for times and memory, torch/ember for rates: below 1.0 means Ember did "
                  "better. Medians of repeated runs; each framework in its own process (`make bench`).")
        write_report(os.path.join(HERE, "..", "BENCHMARKS.md"), header, table)


if __name__ == "__main__":
    main()
