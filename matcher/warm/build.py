"""Build the kernels' module ahead of time, so that a proposal never starts numba.

Why: see :mod:`matcher.solver.kernels`. The module is numba's compilation
(``numba.pycc``) of every kernel for each argument type it met while a process ran
matcher's proposals through numba: :func:`~matcher.warm.preload.load_kernels`'s
streamed proposals on the sample district (cold and warm), and generated pools'
streamed proposals, one with dated orders. So the types a proposal passes are the
ones the module holds; any other type runs through numba, with the same results
(:func:`matcher.solver.kernels.fallbacks` names them).

How, and why so:

- in a child process of its own, started with numba forced (``MATCHER_KERNELS=jit``)
  and ``-P``, so the kernels it records are numba's dispatchers whatever the calling
  process loaded, and the working folder never shadows a library;
- from fresh compilations only: numba's disk cache of a kernel does not notice an
  edit to a kernel it calls, so the child first drops matcher's own cache files (or
  compiles into an empty cache folder when the package is read-only);
- for this machine's processor and the features it reports (as numba's own compiler
  does: pycc alone would take the model's defaults, which a virtual machine may not
  offer), with each function releasing the GIL as the ``nogil`` kernels do (the
  engine runs the alternates and the reasons in threads);
- from the sources as they were when it started: their sizes, times and digest are
  read first and again at the end, and a build that saw a source change refuses;
- written whole, then swapped in: the new folder is made beside the old one (same
  file system), the manifest written last, and one build at a time (a lock file).

A folder that cannot be written, or a machine that cannot link the module (no Python
headers), leaves the kernels to numba and its cache, as before.

Example (what ``make demo`` and ``make test`` run: it says what it built, or why it
could not, in the locale's language, and exits 0 either way)::

    $ python -m matcher.warm.build --if-stale
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from matcher.atomic import umask
from matcher.solver.kernels import (
    AOT_DIR,
    ENV,
    MANIFEST,
    MODULE,
    PACKAGE,
    source_files,
    source_stats,
)

__all__ = ["build_kernels", "main"]

#: the lock file that keeps builds one at a time (beside the module's folder)
LOCK = AOT_DIR.with_name(".aot.lock")


def build_kernels() -> float:
    """Build the module in a child process (numba forced there); the seconds it took.

    Raises ``RuntimeError`` with the child's last line of output when the build
    fails (no C compiler or Python headers, a source edited meanwhile): the module
    folder is swapped in only once whole, so a failed build leaves the one before,
    or none."""
    start = time.perf_counter()
    path = os.pathsep.join(p for p in (str(PACKAGE.parent), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(os.environ) | {ENV: "jit", "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-P", "-m", "matcher.warm.build", "--child"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise RuntimeError(said[-1] if said else f"exit {done.returncode}")
    return time.perf_counter() - start


def _key(t: Any) -> Any:
    """:func:`matcher.solver.kernels.type_key`'s key, from numba's type (``None``:
    a type Python never passes, such as a literal)."""
    types: Any = importlib.import_module("numba.core.types")
    as_dtype = importlib.import_module("numba.np.numpy_support").as_dtype

    if isinstance(t, types.Literal):
        return None
    if isinstance(t, types.Array):
        if isinstance(t.dtype, types.Record):
            return None
        return ["array", as_dtype(t.dtype).str, t.ndim, t.layout, not t.mutable, t.aligned]
    if isinstance(t, types.BaseTuple):
        items = [_key(x) for x in t.types]
        return None if any(k is None for k in items) else ["tuple", items]
    if isinstance(t, types.Boolean):
        return "|b1"
    if isinstance(t, types.Integer | types.Float):
        return as_dtype(t).str
    return None


def _fresh_cache() -> None:
    """Compile from scratch: numba's cache of a kernel misses edits to the kernels it
    calls, and the module must hold the sources as they are."""
    if os.access(PACKAGE, os.W_OK):
        os.environ.pop("NUMBA_CACHE_DIR", None)
        for p in PACKAGE.rglob("__pycache__/*.nb[ic]"):
            p.unlink(missing_ok=True)
    else:  # numba would use its user cache folder: an empty one of our own instead
        os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="matcher-numba-")


def _workload() -> None:
    """Run what proposals run, through numba, so every kernel meets its types."""
    import matcher
    from matcher.generate import generate_case

    matcher.load_kernels()
    with tempfile.TemporaryDirectory() as tmp:
        plain = generate_case(Path(tmp) / "plain", n_cadres=600, n_demands=250, seed=1)
        matcher.propose(matcher.load_case(plain), engine="streamed")
        one = generate_case(Path(tmp) / "one", n_cadres=50, n_demands=1, seed=2)
        matcher.propose(matcher.load_case(one), engine="streamed")
        dated = generate_case(Path(tmp) / "dated", n_cadres=200, n_demands=60, n_dated=40)
        matcher.propose(matcher.load_case(dated), engine="streamed")


def _exports() -> list[tuple[str, str, Any, Any]]:
    """(export name, kernel name, signature, key) for each kernel's recorded types."""
    from matcher.solver import kernels

    out = []
    for n, (name, disp) in enumerate(kernels.dispatchers()):
        for k, sig in enumerate(disp.nopython_signatures):
            keys = [_key(a) for a in sig.args]
            if None not in keys:
                out.append((f"k{n}_{k}_{disp.py_func.__name__}", name, sig, keys))
    return out


def _compile(out: Path, exports: list[tuple[str, str, Any, Any]]) -> str:
    from matcher.solver import kernels

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flags: Any = importlib.import_module("numba.core.compiler").Flags
        pycc: Any = importlib.import_module("numba.pycc")
        pycc_compiler: Any = importlib.import_module("numba.pycc.compiler")
        codegen: Any = importlib.import_module("numba.core.codegen")
    made = []

    class _NoGil(flags):  # type: ignore[misc]
        """numba's flags with the GIL released in each function's Python wrapper."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True
            made.append(self)

    def _host_features(self: Any) -> str:
        return str(self._get_host_cpu_features())

    cc = pycc.CC(MODULE)
    cc.output_dir = str(out)
    cc.target_cpu = "host"
    cc.verbose = False
    by_name = dict(kernels.dispatchers())
    for export, name, sig, _ in exports:
        cc.export(export, sig)(by_name[name].py_func)
    patches = [
        (pycc_compiler, "Flags", _NoGil),
        (codegen.AOTCPUCodegen, "_customize_tm_features", _host_features),
    ]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    for obj, attr, value in patches:
        setattr(obj, attr, value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc.compile()
    finally:
        for obj, attr, value in saved:
            setattr(obj, attr, value)
    if not made:  # pycc no longer reads the flags we give it: the GIL would be held
        raise RuntimeError("numba.pycc did not take the flags that release the GIL")
    built = [p.name for p in out.iterdir() if p.name.startswith(MODULE + ".")]
    if len(built) != 1:
        raise RuntimeError(f"pycc wrote {built!r}")
    return built[0]


def _sources() -> tuple[list[list[Any]], str]:
    from matcher.solver import kernels

    files = source_files()
    return source_stats(files), kernels._digest(files)


def _swap(new: Path) -> None:
    """Put the built folder in place of the old one: two renames on one file system
    (a reader between them finds no module and uses numba)."""
    old = AOT_DIR.with_name(AOT_DIR.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if AOT_DIR.exists():
        os.replace(AOT_DIR, old)
    os.replace(new, AOT_DIR)
    shutil.rmtree(old, ignore_errors=True)


def _main() -> None:
    import fcntl

    import numpy as np

    from matcher.solver import kernels

    if kernels.mode() != "jit":
        raise RuntimeError(f"the build needs {ENV}=jit")
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stats, digest = _sources()
        _fresh_cache()
        _workload()
        exports = _exports()
        tmp = Path(tempfile.mkdtemp(prefix=".aot-", dir=AOT_DIR.parent))
        try:
            filename = _compile(tmp, exports)
            if _sources() != (stats, digest):
                raise RuntimeError("a source changed during the build: build again")
            by_kernel: dict[str, list[Any]] = {}
            for export, name, _, key in exports:
                by_kernel.setdefault(name, []).append([export, key])
            manifest = {
                "file": filename,
                "python": sys.implementation.cache_tag,
                "cpu": kernels.cpu(),
                "numpy": np.__version__,
                "stats": stats,
                "digest": digest,
                "kernels": by_kernel,
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            tmp.chmod(0o777 & ~umask())  # mkdtemp's 0700 would hide it from other users
            _swap(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m matcher.warm.build [--if-stale]``: build (only when the module is
    missing or stale, with ``--if-stale``), and say what came of it. Never fails:
    without the module the kernels run through numba, as before."""
    from matcher.messages import lang_from_env, msg, render
    from matcher.solver import kernels

    args = sys.argv[1:] if argv is None else argv
    if args == ["--child"]:
        _main()
        return 0
    if args == ["--if-stale"] and kernels.built():
        return 0
    lang = lang_from_env()
    try:
        seconds = build_kernels()
    except (RuntimeError, OSError) as exc:
        print(render(msg("build.kernels_not_built", reason=str(exc)), lang), file=sys.stderr)
        return 0
    print(render(msg("build.kernels_built", path=str(AOT_DIR), seconds=round(seconds)), lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
