"""Finding a user's backend: ``MODULE:CALLABLE`` imported, and its protocol told apart.

MODULE is a module name, searched in the current directory first and then on
``sys.path``, or the path of a ``.py`` file (loaded once per process); CALLABLE a name in
it (``Class.method`` works too). The protocol is the function's ``protocol`` attribute,
else its positional parameters: three for ``gradient``, five for ``step``
(``user_backend.py`` describes both).

>>> def gradient(theta, x, y): ...
>>> protocol_of(gradient, "mine:gradient"), is_user_backend("mine:gradient"), is_user_backend("torch")
('gradient', True, False)
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import BackendError

__all__ = ["PROTOCOLS", "is_user_backend", "load_callable", "protocol_of"]

PROTOCOLS = {"gradient": ("theta", "x", "y"), "step": ("theta", "x", "y", "lr", "state")}


def is_user_backend(name: str) -> bool:
    """True for ``MODULE:CALLABLE`` (a name with a colon that is not a drive letter only)."""
    module, sep, attr = name.rpartition(":")
    return bool(sep and module and attr)


_FILES: dict[Path, ModuleType] = {}  # modules loaded from a path, once each (as sys.modules)


def _import(module: str, spec: str) -> ModuleType:
    if module.endswith(".py"):
        path = Path(module).resolve()
        if not path.is_file():
            raise BackendError(f"--against {spec}: no file {module}")
        if path not in _FILES:
            loader = importlib.util.spec_from_file_location(path.stem, path)
            found = importlib.util.module_from_spec(loader)
            loader.loader.exec_module(found)
            _FILES[path] = found
        return _FILES[path]
    here = os.getcwd()
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise BackendError(f"--against {spec}: no module named {module!r} (looked in the "
                               "current directory and on sys.path)") from None
        raise
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(here)


def load_callable(spec: str) -> tuple[Any, ModuleType]:
    """The function ``spec`` (``MODULE:CALLABLE``) names, and its module."""
    module_name, _, attr = spec.rpartition(":")
    if not is_user_backend(spec):
        raise BackendError(f"--against {spec!r}: write MODULE:CALLABLE, e.g. mymodule:gradient")
    try:
        module = _import(module_name, spec)
    except BackendError:
        raise
    except Exception as exc:  # the user's module failed while it was imported
        raise BackendError(f"--against {spec}: importing {module_name} raised "
                           f"{type(exc).__name__}: {exc}") from exc
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise BackendError(f"--against {spec}: {module_name} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        kind = type(obj).__name__
        article = "an" if kind[0] in "aeiou" else "a"
        raise BackendError(f"--against {spec}: {attr} is {article} {kind}, not a function")
    return obj, module


def protocol_of(fn: Any, spec: str) -> str:
    """``gradient`` or ``step``: the function's ``protocol`` attribute, or its parameters."""
    declared = getattr(fn, "protocol", None)
    if declared is not None:
        if declared not in PROTOCOLS:
            raise BackendError(f"--against {spec}: protocol = {declared!r}; it must be "
                               "'gradient' or 'step'")
        return declared
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        parameters = None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    count = None if parameters is None or any(p.kind == p.VAR_POSITIONAL for p in parameters) \
        else sum(p.kind in kinds for p in parameters)
    for name, names in PROTOCOLS.items():
        if count == len(names):
            return name
    raise BackendError(f"--against {spec}: cannot tell the protocol from its parameters; "
                       "a gradient function takes (theta, x, y), a step function (theta, x, y, "
                       "lr, state); or set its protocol attribute to 'gradient' or 'step'")
