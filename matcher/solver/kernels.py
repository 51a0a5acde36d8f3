"""How matcher's compiled kernels run: from a module compiled ahead of time when one is
built and matches the sources, else through numba's just-in-time compiler.

Why: a one-shot streamed proposal spent about 0.4 s starting numba before its first
kernel ran (importing numba and llvmlite, loading the lowering registries, linking
each cached kernel), a third of a whole ``matcher propose`` at 8,000 × 3,000. A module
compiled ahead of time (:mod:`matcher.warm.build`, built by ``make demo``
and ``make test``) is a plain extension module: it loads in milliseconds and
needs no numba at run time. Its code is numba's compilation of the same functions for
the argument types a proposal passes, so every result is the same.

Kernel modules mark their kernels with :func:`kernel` (and numba intrinsics with
:func:`intrinsic`) instead of ``numba.njit``. Then:

- **jit** mode (no module built, a stale one, or ``MATCHER_KERNELS=jit``): the decorator
  is ``numba.njit(cache=True, nogil=True)``, as before.
- **aot** mode: a kernel becomes a :class:`Compiled`, which calls the module's function
  compiled for the exact types of its arguments (numpy dtype, dimensions, layout, and
  the same for each item of a tuple; an array of any layout fits a function built for
  any layout, as in numba). The compiled functions do not check types, so the check is
  here, in Python, before every call; arguments of any other types (or given by
  keyword) go to numba (compiled then, with its cache), never to a function built for
  other types.

The module counts as built for these sources only when every matcher source file is as
it was when the module was built (size and time, or else the same bytes), and the numpy
version, the interpreter and the processor (:func:`cpu`) are the same: after any edit
the kernels run through numba until ``make`` builds the module again.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import logging
import os
import platform
import sys
import threading
import types
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np

__all__ = [
    "AOT_DIR",
    "MANIFEST",
    "OTHER",
    "Compiled",
    "built",
    "cpu",
    "dispatchers",
    "fallbacks",
    "intrinsic",
    "kernel",
    "mode",
    "numba_form",
    "source_files",
    "source_stats",
    "type_key",
]

F = TypeVar("F", bound=Callable[..., Any])

#: matcher's package folder, whose sources the module is checked against
PACKAGE = Path(__file__).resolve().parent.parent
#: where the module compiled ahead of time and its manifest live
AOT_DIR = PACKAGE / "solver" / "_aot"
#: the manifest: what was built, from which sources, with which names per type
MANIFEST = "manifest.json"
#: the extension module's name
MODULE = "matcher_kernels"
#: the variable that forces numba's just-in-time compiler
ENV = "MATCHER_KERNELS"

_lock = threading.Lock()
_log = logging.getLogger(__name__)
#: per plain function: how to make it compiled by numba (inline or not, or an intrinsic)
_plain: dict[Callable[..., Any], tuple[str, Callable[[], Any] | None]] = {}
#: per plain function: its numba form, made on first need in aot mode
_jitted: dict[Callable[..., Any], Any] = {}
#: numba's dispatcher of each kernel made in jit mode, by name (what a build exports)
_made: dict[str, Any] = {}
#: the kernels and types that went to numba in aot mode (once each)
_fell_back: dict[str, None] = {}


def source_files() -> list[Path]:
    """Every Python source of matcher, in a fixed order: numba freezes the module
    globals a kernel reads (constants from other modules too) into its code, so the
    module is checked against all of them, not only the kernels' own."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts and p.is_file())


def source_stats(files: list[Path]) -> list[list[Any]]:
    """Each source's name, size and modification time, as the manifest keeps them: the
    quick test that nothing changed (the digest decides when a time moved)."""
    return [[str(p.relative_to(PACKAGE)), (st := p.stat()).st_size, st.st_mtime_ns] for p in files]


def _digest(files: list[Path]) -> str:
    import hashlib  # only when a file's size or time moved (OpenSSL loads with it)

    h = hashlib.sha256()
    for p in files:
        data = p.read_bytes()
        h.update(f"{p.relative_to(PACKAGE)}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def cpu() -> str:
    """This machine's processor as the module was built for it (its name and feature
    flags): the module uses the builder's instructions (``host``), so a copy on
    another processor (a moved virtual environment, an image built elsewhere) is
    not used, where it could stop on an illegal instruction."""
    seen = {"machine": platform.machine()}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                name, _, value = line.partition(":")
                name = name.strip()
                if name in ("model name", "flags") and name not in seen:
                    seen[name] = value.strip()
                if len(seen) == 3:
                    break
    except OSError:
        pass
    return json.dumps(seen, sort_keys=True)


def _fresh(manifest: dict[str, Any]) -> bool:
    if manifest.get("python") != sys.implementation.cache_tag:
        return False
    if manifest.get("cpu") != cpu():
        return False
    if manifest.get("numpy") != np.__version__:
        return False
    files = source_files()
    stats, recorded = source_stats(files), manifest.get("stats", [])
    if [s[0] for s in stats] != [s[0] for s in recorded]:  # a source added or gone
        return False
    if stats == recorded:
        return True
    return bool(_digest(files) == manifest.get("digest"))


def _manifest() -> dict[str, Any] | None:
    """The manifest of a module built for these sources, or ``None``."""
    try:
        manifest = json.loads((AOT_DIR / MANIFEST).read_text(encoding="utf-8"))
        return manifest if _fresh(manifest) else None
    except Exception:  # unreadable, half-written, another layout: not built
        return None


def built() -> bool:
    """Whether a module built for these sources, this interpreter, numpy and processor
    is there (whatever ``MATCHER_KERNELS`` says)."""
    return _manifest() is not None


@cache
def _module() -> tuple[types.ModuleType, dict[str, list[tuple[str, Any]]]] | None:
    """The module built ahead of time and its names by kernel, or ``None`` (jit mode)."""
    if os.environ.get(ENV, "").strip().lower() == "jit":
        return None
    manifest = _manifest()
    if manifest is None:
        return None
    try:
        path = AOT_DIR / manifest["file"]
        loader = importlib.machinery.ExtensionFileLoader(MODULE, str(path))
        spec = importlib.util.spec_from_file_location(MODULE, path, loader=loader)
        if spec is None:
            return None
        mod = importlib.util.module_from_spec(spec)
        loader.exec_module(mod)
        table = {
            name: [(export, _frozen(key)) for export, key in variants]
            for name, variants in manifest["kernels"].items()
        }
        if not all(hasattr(mod, e) for variants in table.values() for e, _ in variants):
            return None
    except Exception:  # a manifest or module that does not load: numba, as without one
        return None
    return mod, table


def dispatchers() -> list[tuple[str, Any]]:
    """The kernels made so far in jit mode (numba's dispatchers), by module-qualified
    name, in the order they were made: what :mod:`matcher.warm.build` compiles."""
    with _lock:
        return list(_made.items())


def mode() -> str:
    """``"aot"`` when the kernels run from the module built ahead of time, else ``"jit"``."""
    return "jit" if _module() is None else "aot"


def fallbacks() -> list[str]:
    """The kernels that, in aot mode, met argument types the module was not built for
    and ran through numba instead (one entry per kernel and types)."""
    return list(_fell_back)


def _frozen(key: Any) -> Any:
    return tuple(_frozen(k) for k in key) if isinstance(key, list) else key


def _layout(a: np.ndarray) -> str:
    # numba's own order: contiguous in C order first (a 1-d contiguous array is both)
    flags = a.flags
    return "C" if flags.c_contiguous else "F" if flags.f_contiguous else "A"


#: the key of an argument no function of the module takes (numba is asked instead)
OTHER = ("python", "other")


def type_key(value: Any) -> Any:
    """The type numba gives an argument, as plain data: what the module's functions
    were built for is looked up by it (:mod:`matcher.warm.build` makes the same key
    from numba's types, and a test checks the two agree). Values the module is never
    built for (subclasses of ndarray, structured dtypes, integers past int64) get
    :data:`OTHER`, so numba judges them."""
    if type(value) is np.ndarray:
        if value.dtype.fields is not None:
            return OTHER
        f = value.flags
        return ("array", value.dtype.str, value.ndim, _layout(value), not f.writeable, f.aligned)
    if isinstance(value, tuple):
        return ("tuple", tuple(type_key(v) for v in value))
    if isinstance(value, bool | np.bool_):
        return "|b1"
    if isinstance(value, np.generic):
        return value.dtype.str
    if isinstance(value, int):
        return "<i8" if -(2**63) <= value < 2**63 else OTHER
    if isinstance(value, float):
        return "<f8"
    return OTHER


class Compiled:
    """A kernel in aot mode: the module's function built for its arguments' types."""

    def __init__(self, fn: Callable[..., Any], variants: list[tuple[str, Any]], mod: Any):
        self.__wrapped__ = fn
        self.__name__, self.__qualname__, self.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        self.name = _name(fn)
        self._by_key = {key: getattr(mod, export) for export, key in variants}

    @property
    def py_func(self) -> Callable[..., Any]:
        """The plain Python function (as numba's dispatchers name it)."""
        return self.__wrapped__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:  # the module's functions take positions only
            return _jit(self.__wrapped__)(*args, **kwargs)
        key = tuple(map(type_key, args))
        fn = self._by_key.get(key)
        if fn is None:
            fn = self._by_key[key] = self._fitting(key)
        return fn(*args)

    def _fitting(self, key: Any) -> Callable[..., Any]:
        """The module's function built for arrays of any layout where these are of
        one (numba's rule: a C or F array fits an A parameter), else numba's."""
        for built, fn in list(self._by_key.items()):
            if _fits(key, built):
                return cast(Callable[..., Any], fn)
        with _lock:
            first = f"{self.name}{key}" not in _fell_back
            _fell_back[f"{self.name}{key}"] = None
        if first:
            _log.info("kernel %s runs through numba for argument types %s", self.name, key)
        return cast(Callable[..., Any], _jit(self.__wrapped__))


def _fits(keys: tuple[Any, ...], built: tuple[Any, ...]) -> bool:
    """Whether arguments of ``keys`` may call a function built for ``built``."""
    return len(keys) == len(built) and all(map(_fit, keys, built))


def _fit(key: Any, built: Any) -> bool:
    if key == built:
        return True
    if not (isinstance(key, tuple) and isinstance(built, tuple)) or key[:1] != built[:1]:
        return False
    if key[0] == "array":  # same dtype, dimensions, flags; any layout into an A one
        return key[:3] == built[:3] and built[3] in (key[3], "A") and key[4:] == built[4:]
    return key[0] == "tuple" and _fits(key[1], built[1])


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _numba() -> Any:
    from matcher.solver.jit import numba

    return numba


def _njit(fn: Callable[..., Any], how: str) -> Any:
    options: dict[str, Any] = {"cache": True, "nogil": True}
    if how == "inline":
        options["inline"] = "always"
    return _numba().njit(**options)(fn)


def _jit(fn: Callable[..., Any]) -> Any:
    """numba's form of a kernel in aot mode (types the module was not built for): the
    function with every kernel it calls swapped for numba's form of that kernel."""
    with _lock:
        got = _jitted.get(fn)
    if got is not None:
        return got
    how, make = _plain[fn]
    if make is not None:
        made = make()
    else:
        glob = dict(fn.__globals__)
        for name in fn.__code__.co_names:
            inner = _plain_of(glob.get(name))
            if inner is not None and inner is not fn:
                glob[name] = _jit(inner)
        copy = types.FunctionType(fn.__code__, glob, fn.__name__, fn.__defaults__, fn.__closure__)
        copy.__qualname__, copy.__module__ = fn.__qualname__, fn.__module__
        copy.__kwdefaults__ = fn.__kwdefaults__
        made = _njit(copy, how)
    with _lock:
        return _jitted.setdefault(fn, made)


def _plain_of(value: Any) -> Callable[..., Any] | None:
    if isinstance(value, Compiled):
        return value.__wrapped__
    try:
        return value if value in _plain else None
    except TypeError:  # unhashable
        return None


def numba_form(fn: Callable[..., Any]) -> Any:
    """numba's compiled form of a kernel, whatever the mode: what the module holds is
    numba's compilation of it, so tests that compare the compiled kernels with their
    definitions compare this (compiling it on first use in aot mode)."""
    plain = _plain_of(fn)
    return fn if plain is None else _jit(plain)


def kernel(fn: Callable[..., Any] | None = None, *, inline: bool = False) -> Any:
    """Mark a compiled kernel (``inline``: one only other kernels call, inlined into
    them, as ``numba.njit(inline="always")``); see the module docstring. Typed ``Any``
    as numba's dispatchers are: the kernels take and give arrays of many shapes."""

    def mark(f: Callable[..., Any]) -> Any:
        how = "inline" if inline else "kernel"
        _plain[f] = (how, None)
        loaded = _module()
        if loaded is None:
            made = _njit(f, how)
            if not inline:
                _made[_name(f)] = made
            return made
        if inline:
            return f  # only called from compiled code, which the module holds already
        mod, table = loaded
        return Compiled(f, table.get(_name(f), []), mod)

    return mark if fn is None else mark(fn)


def intrinsic(plain: F, make: Callable[[], Any]) -> F:
    """A numba intrinsic (``make`` builds it, importing numba) for compiled code only;
    in aot mode ``plain``, its meaning in Python, stands in until numba needs it."""
    _plain[plain] = ("intrinsic", make)
    if _module() is None:
        return cast(F, make())
    return plain
