"""numba for matcher's compiled kernels, started without its BLAS probe.

Why: numba's first compilation or cached-kernel load imports its lowering registries,
and one of them (``numba.np.arraymath``) checks at import that a BLAS is there by
importing ``scipy.linalg``, which brings in scipy's array-API layer and with it
``numpy.f2py``: a seventh of a second of a one-shot streamed proposal, for kernels
that call no BLAS (no ``np.dot``, no ``np.linalg``). Importing this module loads
numba's registries with that one probe answered "no BLAS" (unless scipy's BLAS is
loaded already); numba's own check (``numba.np.linalg.ensure_blas``) is put back
at once, so ``np.linalg`` in anything compiled later still finds BLAS, and
``scipy.linalg`` imports as usual; only ``np.dot``/``np.inner`` of two vectors in
numba code compiled later in the process are built without BLAS (matcher has none).
The kernels compile to the same code.

The kernels' jit path (:mod:`matcher.solver.kernels`, when no module built ahead of
time is used) imports numba from here, so whichever kernel loads first starts numba
this way.
"""

from __future__ import annotations

import sys

import numba
from numba.core.compiler_lock import global_compiler_lock
from numba.core.registry import cpu_target
from numba.np import linalg

__all__ = ["numba"]

#: what numba's BLAS probe imports
_BLAS = "scipy.linalg.cython_blas"


def _no_blas() -> None:
    raise ImportError(f"{_BLAS} is not probed for matcher's kernels")


def _start() -> None:
    # numba holds this lock when it refreshes the registries itself: no other
    # thread compiles while the probe is stood in for
    with global_compiler_lock:
        probe = linalg.ensure_blas
        if _BLAS not in sys.modules:
            linalg.ensure_blas = _no_blas
        try:
            cpu_target.target_context.refresh()
            cpu_target.typing_context.refresh()
        finally:
            linalg.ensure_blas = probe
            arraymath = sys.modules.get("numba.np.arraymath")
            if arraymath is not None:  # it imported the name while probing: its own again
                setattr(arraymath, "ensure_blas", probe)  # noqa: B010


_start()
