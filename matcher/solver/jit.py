"""numba for matcher's compiled kernels, started without its BLAS probe.

Why: numba's first compilation or cached-kernel load imports its lowering registries,
and one of them (``numba.np.arraymath``) checks at import that a BLAS is there by
importing ``scipy.linalg``, which brings in scipy's array-API layer and with it
``numpy.f2py``: a fifth of a second of a one-shot streamed proposal, for kernels
that call no BLAS (no ``np.dot``, no ``np.linalg``). Importing this module loads
numba's registries with that probe answered "no BLAS" (unless scipy's BLAS is loaded
already), holding the import lock so no other thread's import sees the probe
blocked; ``scipy.linalg`` imports as usual afterwards. The kernels compile to the
same code: without BLAS numba only changes how ``np.dot`` of two vectors is built.

Every compiled kernel module imports numba from here (``from matcher.solver.jit
import numba``), so whichever loads first starts numba this way.
"""

from __future__ import annotations

import _imp
import sys

import numba
from numba.core.registry import cpu_target

__all__ = ["numba"]

#: what numba's BLAS probe imports (numba.np.linalg.ensure_blas)
_BLAS = "scipy.linalg.cython_blas"


def _start() -> None:
    _imp.acquire_lock()
    blocked = _BLAS not in sys.modules
    try:
        if blocked:
            sys.modules[_BLAS] = None  # type: ignore[assignment]  # import raises ImportError
        cpu_target.target_context.refresh()
        cpu_target.typing_context.refresh()
    finally:
        if blocked and sys.modules.get(_BLAS, _BLAS) is None:
            del sys.modules[_BLAS]
        _imp.release_lock()


_start()
