"""Build the kernels' module ahead of time, so that a proposal never starts numba.

Why: see :mod:`matcher.solver.kernels`. The module is numba's compilation
(``numba.pycc``) of every kernel for each argument type it met while a process ran
matcher's proposals through numba: :func:`~matcher.warm.preload.load_kernels`'s
streamed proposals on the sample district (cold and warm), and a generated pool's
streamed proposal with a dated order, which the engines' paths share with a city.
So the types a proposal passes are the ones the module holds; any other type runs
through numba, with the same results (:func:`matcher.solver.kernels.fallbacks`
names them).

It runs in a child process of its own, which starts with numba forced, so that the
kernels it records are numba's dispatchers whatever the calling process loaded.
The compiled functions release the GIL as numba's ``nogil`` kernels do (the engine
runs the alternates and the reasons in threads). The module is written beside
:mod:`matcher.solver.kernels` with a manifest naming each function's types and
the sources it was built from; a folder that cannot be written leaves the kernels
to numba and its cache, as before.

Example (what ``make`` runs: it says what it built, or why it could not, in the
locale's language, and exits 0 either way: without the module the kernels run as
before)::

    $ python -m matcher.warm.build
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

from matcher.solver.kernels import AOT_DIR, ENV, MANIFEST, MODULE, PACKAGE, source_files

__all__ = ["build_kernels", "main"]


def build_kernels() -> float:
    """Build the module in a child process (numba forced there); the seconds it took.

    Raises ``RuntimeError`` with the child's last line of output when the build
    fails (no C compiler or Python headers, say): nothing is written to
    :data:`~matcher.solver.kernels.AOT_DIR` until the module is whole, so a failed
    build leaves the one before, or none."""
    start = time.perf_counter()
    env = dict(os.environ) | {ENV: "jit"}
    done = subprocess.run(
        [sys.executable, "-m", "matcher.warm.build", "--child"],
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
        return ["array", as_dtype(t.dtype).str, t.ndim, t.layout, not t.mutable, t.aligned]
    if isinstance(t, types.BaseTuple):
        items = [_key(x) for x in t.types]
        return None if any(k is None for k in items) else ["tuple", items]
    if isinstance(t, types.Boolean):
        return "|b1"
    if isinstance(t, types.Integer | types.Float):
        return as_dtype(t).str
    return None


def _workload() -> None:
    """Run what proposals run, through numba, so every kernel meets its types."""
    import matcher
    from matcher.generate import generate_case

    matcher.load_kernels()
    with tempfile.TemporaryDirectory() as tmp:
        plain = generate_case(Path(tmp) / "plain", n_cadres=600, n_demands=250, seed=1)
        matcher.propose(matcher.load_case(plain), engine="streamed")
        dated = generate_case(Path(tmp) / "dated", n_cadres=200, n_demands=60, n_dated=40)
        matcher.propose(matcher.load_case(dated))


def _exports() -> list[tuple[str, str, Any, Any]]:
    """(export name, kernel name, signature, key) for each kernel's recorded types."""
    from numba.core.registry import CPUDispatcher

    from matcher.solver import kernels

    out = []
    for plain in list(kernels._plain):
        name = f"{plain.__module__}.{plain.__qualname__}"
        disp = vars(sys.modules[plain.__module__]).get(plain.__name__)
        if not isinstance(disp, CPUDispatcher) or disp.targetoptions.get("inline") == "always":
            continue
        for n, sig in enumerate(disp.nopython_signatures):
            key = _key(_tuple_of(sig.args))
            if key is None:
                continue
            export = f"{plain.__module__.replace('.', '_')}__{plain.__name__}__{n}"
            out.append((export, name, sig, key[1]))
    return out


def _tuple_of(args: tuple[Any, ...]) -> Any:
    types: Any = importlib.import_module("numba.core.types")
    return types.Tuple(args)


def _compile(out: Path, exports: list[tuple[str, str, Any, Any]]) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flags: Any = importlib.import_module("numba.core.compiler").Flags
        pycc: Any = importlib.import_module("numba.pycc")
        pycc_compiler: Any = importlib.import_module("numba.pycc.compiler")

    class _NoGil(flags):  # type: ignore[misc]
        """numba's flags with the GIL released in each function's Python wrapper."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    from numba.core.registry import CPUDispatcher

    cc = pycc.CC(MODULE)
    cc.output_dir = str(out)
    cc.target_cpu = "host"
    cc.verbose = False
    for export, name, sig, _ in exports:
        module, _, func = name.rpartition(".")
        disp = vars(sys.modules[module])[func]
        assert isinstance(disp, CPUDispatcher)
        cc.export(export, sig)(disp.py_func)
    original = pycc_compiler.Flags
    pycc_compiler.Flags = _NoGil
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cc.compile()
    finally:
        pycc_compiler.Flags = original
    built = [p.name for p in out.iterdir() if p.name.startswith(MODULE + ".")]
    if len(built) != 1:
        raise RuntimeError(f"pycc wrote {built!r}")
    return built[0]


def _main() -> None:
    from matcher.solver import kernels

    if kernels.mode() != "jit":
        raise RuntimeError(f"the build needs {ENV}=jit")
    _workload()
    exports = _exports()
    files = source_files()
    tmp = Path(tempfile.mkdtemp(prefix="matcher-kernels-"))
    try:
        filename = _compile(tmp, exports)
        import numpy as np

        by_kernel: dict[str, list[Any]] = {}
        for export, name, _, key in exports:
            by_kernel.setdefault(name, []).append([export, key])
        manifest = {
            "file": filename,
            "python": sys.implementation.cache_tag,
            "cpu": kernels.cpu(),
            "numpy": np.__version__,
            "stats": [
                [str(p.relative_to(PACKAGE)), st.st_size, st.st_mtime_ns]
                for p, st in ((p, p.stat()) for p in files)
            ],
            "digest": kernels._digest(files),
            "kernels": by_kernel,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        # replace the folder whole: a reader sees the old module and manifest or the new
        old = AOT_DIR.with_name(AOT_DIR.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if AOT_DIR.exists():
            AOT_DIR.rename(old)
        shutil.move(str(tmp), AOT_DIR)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m matcher.warm.build``: build, and say what came of it (never fails:
    without the module the kernels run through numba, as before)."""
    from matcher.messages import lang_from_env, msg, render

    args = sys.argv[1:] if argv is None else argv
    if args == ["--child"]:
        _main()
        return 0
    lang = lang_from_env()
    try:
        seconds = build_kernels()
    except (RuntimeError, OSError) as exc:
        print(render(msg("build.kernels_not_built", reason=str(exc)), lang), file=sys.stderr)
        return 0
    from matcher.solver.kernels import AOT_DIR as where

    print(render(msg("build.kernels_built", path=str(where), seconds=round(seconds)), lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
