"""Run unmodified PyTorch code on ember: ``import torch`` gives ``ember``, ``import torchvision`` ``ember.vision``.

``install()`` (or ``python -m ember run script.py``) puts a finder at the front of ``sys.meta_path`` that
resolves every ``torch.X`` import to ``ember.X`` (``torchvision.X`` to ``ember.vision.X``) and records the
alias in ``sys.modules``, so ``torch.nn.functional is ember.nn.functional``.  Whatever the script uses that
ember lacks fails with a ``NotImplementedError`` naming the torch API:

- a missing module (``import torch.distributions``) raises an error that is both ``NotImplementedError`` and
  ``ModuleNotFoundError`` (scripts' ``except ImportError`` fallbacks keep working);
- a missing attribute (``torch.foo``, ``torch.Tensor.foo``) raises one that is both ``NotImplementedError`` and
  ``AttributeError`` (so ``hasattr``/``getattr(..., default)`` feature tests answer False as they should);
  in ``from torch import foo`` it is both ``NotImplementedError`` and ``ImportError``.

``uninstall()`` undoes all of it (and restores a real torch that was imported before ``install()``).
"""
import dis
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

__all__ = ["install", "uninstall", "installed"]

_ALIASES = (("torchvision", "ember.vision"), ("torch", "ember"))
_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


class _MissingAttribute(AttributeError, NotImplementedError):
    """An attribute of a torch API ember does not implement."""


class _MissingImport(ModuleNotFoundError, NotImplementedError):
    """A torch module (or a name imported from one) that ember does not implement."""


def _ember_name(torch_name):
    """``torch.nn`` -> ``ember.nn``, ``torchvision.models`` -> ``ember.vision.models``; None if not torch's."""
    for src, dst in _ALIASES:
        if torch_name == src or torch_name.startswith(src + "."):
            return dst + torch_name[len(src):]
    return None


def _torch_name(ember_name):
    for src, dst in _ALIASES:
        if ember_name == dst or ember_name.startswith(dst + "."):
            return src + ember_name[len(dst):]
    return ember_name


def _in_import_from(frame):
    """Whether ``frame`` is executing ``from module import name``."""
    try:
        return frame.f_code.co_code[frame.f_lasti] == _IMPORT_FROM
    except (AttributeError, IndexError):
        return False


def _is_ember_code(frame):
    """Lookups made by ember itself keep Python's own errors: a miss there is an ember bug, not a torch gap."""
    mod = frame.f_globals.get("__name__", "")
    return mod == "ember" or mod.startswith("ember.")


def _missing(module_name, name, obj, caller):
    what = f"{_torch_name(module_name)}.{name}"
    if _in_import_from(caller):
        return _MissingImport(f"ember does not implement {what}", name=what)
    return _MissingAttribute(f"ember does not implement {what}", name=name, obj=obj)


class _State:
    def __init__(self):
        self.finders = []
        self.saved_modules = {}      # real torch modules that were imported before install()
        self.aliases = []            # sys.modules keys we added
        self.wrapped = {}            # module -> its own __getattr__ (or None)
        self.tensor_getattr = None


_state = None


def _wrap(module):
    """Give an ember module a ``__getattr__`` that names the torch API when an attribute is missing."""
    if _state is None or module in _state.wrapped:
        return
    own = module.__dict__.get("__getattr__")
    _state.wrapped[module] = own
    name = module.__name__
    is_package = hasattr(module, "__path__")

    def __getattr__(attr):
        if own is not None:
            try:
                value = own(attr)
            except AttributeError:
                pass
            else:
                if isinstance(value, ModuleType):
                    _wrap(value)
                return value
        caller = sys._getframe(1)
        if (attr.startswith("__") and attr.endswith("__")) or _is_ember_code(caller):
            raise AttributeError(f"module '{name}' has no attribute '{attr}'")
        # torch's packages import their submodules eagerly; load an ember submodule on first access
        if is_package and importlib.util.find_spec(f"{name}.{attr}") is not None:
            return importlib.import_module(f"{name}.{attr}")
        raise _missing(name, attr, module, caller)

    module.__getattr__ = __getattr__


class _WrapAfterLoad(importlib.abc.Loader):
    """Delegates to an ember module's real loader, then wraps the loaded module."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _wrap(module)

    def __getattr__(self, name):    # get_source, get_resource_reader, is_package, ...
        return getattr(self._loader, name)


class _EmberFinder(importlib.abc.MetaPathFinder):
    """Wraps ember modules imported after ``install()``."""

    def find_spec(self, fullname, path, target=None):
        if not fullname.startswith("ember."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _WrapAfterLoad(spec.loader)
        return spec


class _AliasLoader(importlib.abc.Loader):
    """Loads ``torch.X`` by importing ``ember.X`` and putting that very module in ``sys.modules['torch.X']``."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        alias = module.__name__
        try:
            real = importlib.import_module(self.target)
        except ModuleNotFoundError as e:
            if e.name and (self.target == e.name or self.target.startswith(e.name + ".")):
                raise _MissingImport(f"ember does not implement {alias} (no module {self.target})",
                                     name=alias) from None
            raise
        _wrap(real)
        sys.modules[alias] = real
        _state.aliases.append(alias)


class _TorchFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        target_name = _ember_name(fullname)
        if target_name is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(target_name))


def _tensor_getattr(own):
    def __getattr__(self, name):
        try:
            return own(self, name)
        except AttributeError:
            if name.startswith("_"):
                raise
            raise _MissingAttribute(f"ember does not implement torch.Tensor.{name}", name=name, obj=self) from None
    return __getattr__


def installed():
    """Whether ``install()`` is in effect."""
    return _state is not None


def install():
    """From now on in this process, ``torch``/``torchvision`` imports resolve to ember (idempotent)."""
    global _state
    if _state is not None:
        return
    import ember
    from ember._tensor import Tensor

    _state = _State()
    for key in [k for k in sys.modules if _ember_name(k) is not None]:
        _state.saved_modules[key] = sys.modules.pop(key)
    _state.finders = [_TorchFinder(), _EmberFinder()]
    sys.meta_path[:0] = _state.finders
    sys.modules["torch"] = ember
    _state.aliases.append("torch")
    for key, mod in list(sys.modules.items()):
        if (key == "ember" or key.startswith("ember.")) and isinstance(mod, ModuleType):
            _wrap(mod)
    _state.tensor_getattr = Tensor.__dict__.get("__getattr__")
    if _state.tensor_getattr is not None:
        Tensor.__getattr__ = _tensor_getattr(_state.tensor_getattr)


def uninstall():
    """Undo ``install()``: remove the finders and aliases, restore modules and ``Tensor.__getattr__``."""
    global _state
    if _state is None:
        return
    from ember._tensor import Tensor

    state, _state = _state, None
    for f in state.finders:
        if f in sys.meta_path:
            sys.meta_path.remove(f)
    for key in state.aliases:
        sys.modules.pop(key, None)
    sys.modules.update(state.saved_modules)
    for mod, own in state.wrapped.items():
        if own is None:
            mod.__dict__.pop("__getattr__", None)
        else:
            mod.__getattr__ = own
    if state.tensor_getattr is not None:
        Tensor.__getattr__ = state.tensor_getattr
