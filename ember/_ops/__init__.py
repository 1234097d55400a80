"""The op modules.  Each binds its Tensor methods when it runs, so importing any of them first loads the
whole op library (``ember._load_library``): a tensor has all its methods whichever module made it."""
import sys as _sys

_sys.modules["ember"]._load_library()
