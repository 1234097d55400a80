"""The model registry and the pretrained-weights API of ``torchvision.models._api``.

``Weights`` bundles a checkpoint URL, the preprocessing it expects and its metadata; each model has a
``WeightsEnum`` of them.  ``get_state_dict`` fetches the checkpoint through :func:`ember.hub.load_state_dict_from_url`
(cached under ``<hub dir>/checkpoints``; offline, put the file there under its URL's file name).
"""
import fnmatch
import importlib
import inspect
from dataclasses import dataclass
from enum import Enum
from functools import partial
from inspect import signature
from typing import Any, Callable, get_args

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight", "list_models"]


@dataclass
class Weights:
    """A checkpoint's ``url``, the ``transforms`` constructor of its preprocessing and its ``meta`` data."""

    url: str
    transforms: Callable
    meta: dict

    def __eq__(self, other):
        # functools.partial objects compare by identity; compare their contents so that deep copies and
        # unpickled members still resolve to the same enum value (torchvision does the same).
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        a, b = self.transforms, other.transforms
        if isinstance(a, partial) and isinstance(b, partial):
            return a.func == b.func and a.args == b.args and a.keywords == b.keywords
        return a == b


class WeightsEnum(Enum):
    """Base class of every model's weights enum; members wrap :class:`Weights`."""

    @classmethod
    def verify(cls, obj):
        """``None``, a member, or its name (``"IMAGENET1K_V1"`` or ``"ResNet18_Weights.IMAGENET1K_V1"``)."""
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(
                    f"Invalid Weight class provided; expected {cls.__name__} but received {obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        from ...hub import load_state_dict_from_url
        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        return self.value.url

    @property
    def transforms(self):
        return self.value.transforms

    @property
    def meta(self):
        return self.value.meta


def get_weight(name):
    """The enum member named ``"<EnumClass>.<MEMBER>"``, e.g. ``"ResNet50_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.")
    base = importlib.import_module(__name__.rsplit(".", 1)[0])
    candidates = [base] + [m for _, m in inspect.getmembers(base, inspect.ismodule)
                           if getattr(m, "__file__", "").endswith("__init__.py")]
    for m in candidates:
        cls = m.__dict__.get(enum_name)
        if cls is not None and isinstance(cls, type) and issubclass(cls, WeightsEnum):
            return cls[value_name]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def get_model_weights(name):
    """The weights enum class of a model builder (given as the function or its registered name)."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    return _get_enum_from_fn(fn)


def _get_enum_from_fn(fn):
    sig = signature(fn)
    if "weights" not in sig.parameters:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = sig.parameters["weights"].annotation
    if isinstance(ann, type) and issubclass(ann, WeightsEnum):
        return ann
    for t in get_args(ann):
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError("The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing "
                     "info is correct.")


BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator adding a model builder to the registry under ``name`` (default: the function's name)."""
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Sorted names of the registered models, optionally from one ``module`` and filtered with fnmatch patterns."""
    all_models = {k for k, v in BUILTIN_MODELS.items()
                  if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__}
    if include:
        models = set()
        for pattern in ([include] if isinstance(include, str) else include):
            models |= set(fnmatch.filter(all_models, pattern))
    else:
        models = all_models
    if exclude:
        for pattern in ([exclude] if isinstance(exclude, str) else exclude):
            models -= set(fnmatch.filter(all_models, pattern))
    return sorted(models)


def get_model_builder(name):
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}")


def get_model(name, **config: Any):
    """Build the registered model ``name`` with keyword ``config`` (``weights=``, ``num_classes=`` ...)."""
    return get_model_builder(name)(**config)

