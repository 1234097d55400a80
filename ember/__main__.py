"""``python -m ember run script.py [args]`` (or ``run -m package.module [args]``): run PyTorch code on ember.

The script runs as ``python script.py [args]`` would run it -- ``__name__ == "__main__"``, ``sys.argv`` is
``[script.py, args...]``, the script's directory first on ``sys.path`` -- after ``ember.compat.install()``,
so its ``import torch`` / ``import torchvision`` give ember.
"""
import os
import runpy
import sys

USAGE = """usage: python -m ember run script.py [args ...]
       python -m ember run -m module [args ...]

Runs a PyTorch program on ember: inside it, `import torch` is ember and `import torchvision` is
ember.vision.  Anything ember does not implement raises NotImplementedError naming the torch API."""


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] != "run" or len(argv) < 2 or (argv[1] == "-m" and len(argv) < 3):
        print(USAGE, file=sys.stderr)
        return 2
    from . import compat

    compat.install()
    if argv[1] == "-m":
        sys.argv = [argv[2]] + argv[3:]
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
    else:
        script = argv[1]
        sys.argv = argv[1:]
        sys.path[0] = os.path.dirname(os.path.realpath(script))
        runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
