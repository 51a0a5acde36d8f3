"""The kernels' module built ahead of time: same results as numba, the right function
for each argument type, never a stale module.

The module's functions check no types (a wrong dtype reads garbage or crashes), so the
type key that picks them must be numba's own typing of the arguments, and anything
else must go to numba. The whole-proposal checks run in fresh processes, one per mode,
as a mode holds for a process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

from matcher.generate import generate_case
from matcher.solver import kernels
from matcher.solver.groupbest import best_per_group
from matcher.warm.build import _key
from tests.paths import ROOT


def _built() -> bool:
    try:
        manifest = json.loads((kernels.AOT_DIR / kernels.MANIFEST).read_text(encoding="utf-8"))
    except OSError:
        return False
    return kernels._fresh(manifest)


needs_module = pytest.mark.skipif(
    not _built(),
    reason="no kernels module built for these sources (make: python -m matcher.warm.build)",
)

_c = np.arange(12.0).reshape(3, 4)
_ro = np.arange(5)
_ro.setflags(write=False)
VALUES = [
    1,
    -(2**40),
    2**63 + 5,
    2.5,
    True,
    np.bool_(False),
    np.float64(1.5),
    np.float32(1.5),
    np.int64(3),
    np.int32(3),
    np.uint64(7),
    np.intp(2),
    np.arange(4),
    np.arange(4, dtype=np.int32),
    np.zeros(3, np.uint64),
    np.zeros(3, bool),
    _c,
    np.asfortranarray(_c),
    _c[:, ::2],
    _c[0],
    _c[:, 0],
    np.zeros((0, 3)),
    np.zeros((1, 1)),
    _ro,
    (np.arange(3), 2.0, (np.zeros(2, bool), 1)),
    (),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_the_type_key_is_numbas_typing_of_the_argument(value) -> None:  # type: ignore[no-untyped-def]
    """What picks a compiled function at run time (numpy, no numba) agrees with what
    the build recorded it under (numba's type of the same value)."""
    built = _key(numba.typeof(value))
    assert built is not None
    assert kernels.type_key(value) == kernels._frozen(built)


def _manifest() -> dict[str, object]:
    files = kernels.source_files()
    return {
        "python": sys.implementation.cache_tag,
        "cpu": kernels.cpu(),
        "numpy": np.__version__,
        "stats": [
            [str(p.relative_to(kernels.PACKAGE)), p.stat().st_size, p.stat().st_mtime_ns]
            for p in files
        ],
        "digest": kernels._digest(files),
    }


def test_a_module_counts_as_built_for_these_sources_only() -> None:
    m = _manifest()
    assert kernels._fresh(m)
    moved = json.loads(json.dumps(m))
    moved["stats"][0][2] += 1  # touched (a checkout), same bytes: still these sources
    assert kernels._fresh(moved)
    edited = json.loads(json.dumps(moved))
    edited["digest"] = "0" * 64  # and other bytes: stale
    assert not kernels._fresh(edited)
    assert not kernels._fresh(dict(m, numpy="1.0.0"))
    assert not kernels._fresh(dict(m, python="cpython-99"))
    assert not kernels._fresh(dict(m, cpu=kernels.cpu().replace("flags", "other")))
    fewer = dict(m, stats=m["stats"][1:])  # type: ignore[index]
    assert not kernels._fresh(fewer)


def _run(script: str, mode: str | None, tmp: Path) -> dict[str, object]:
    env = dict(os.environ)
    env.pop(kernels.ENV, None)
    if mode is not None:
        env[kernels.ENV] = mode
    path = tmp / f"run_{mode or 'aot'}.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


_PROPOSE = """
import json, sys
from matcher import load_case, propose
from matcher.solver import kernels
plans = [propose(load_case(p), engine="streamed").model_dump_json() for p in {cases!r}]
print(json.dumps({{"mode": kernels.mode(), "plans": plans, "fallbacks": kernels.fallbacks(),
                  "numba": "numba" in sys.modules or "llvmlite" in sys.modules}}))
"""


@needs_module
def test_a_streamed_proposal_is_the_same_from_the_module_as_through_numba(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Byte for byte, on a generated pool and on a dated one (the reasons' time rules),
    with neither numba nor llvmlite loaded and no kernel sent to numba."""
    plain = generate_case(tmp_path / "plain", n_cadres=900, n_demands=420, seed=7)
    dated = generate_case(tmp_path / "dated", n_cadres=150, n_demands=50, n_dated=30, seed=3)
    script = _PROPOSE.format(cases=[str(plain), str(dated)])
    aot = _run(script, None, tmp_path)
    jit = _run(script, "jit", tmp_path)
    assert (aot["mode"], jit["mode"]) == ("aot", "jit")
    assert aot["plans"] == jit["plans"]
    assert aot["fallbacks"] == []
    assert aot["numba"] is False and jit["numba"] is True


_ODD = """
import json
import numpy as np
from matcher.solver import kernels
from matcher.solver.groupbest import best_per_group

@kernels.kernel
def _inner(x):
    return x + 1.0

@kernels.kernel
def _outer(a):
    t = 0.0
    for i in range(a.size):
        t += _inner(a[i])
    return t

a = np.arange(6.0)
group, value = np.array([0, 1, 0, 1]), np.array([3.0, 1.0, 5.0, 2.0])
picked = [best_per_group(group, value.astype(dt), 1).tolist() for dt in (np.float64, np.float32)]
print(json.dumps({"mode": kernels.mode(), "sum": _outer(a[::2]), "again": _outer(a[::2]),
                  "fallbacks": kernels.fallbacks(), "picked": picked}))
"""


@needs_module
def test_types_the_module_was_not_built_for_go_to_numba(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Never a function built for other types: a kernel of the module given float32
    values runs through numba (same answer as for float64), and so does a kernel the
    module does not hold, with the kernels it calls made numba's too; each once."""
    got = _run(_ODD, None, tmp_path)
    assert got["mode"] == "aot"
    assert got["sum"] == got["again"] == (0.0 + 1) + (2 + 1) + (4 + 1)
    assert got["picked"] == [[False, False, True, True]] * 2
    fell = got["fallbacks"]
    assert isinstance(fell, list) and len(fell) == 2, fell
    assert any("_outer" in f for f in fell) and any("_mark_best" in f for f in fell)


def _best(group: np.ndarray, value: np.ndarray, k: int) -> np.ndarray:
    want = np.zeros(group.size, bool)
    for g in np.unique(group):
        idx = np.flatnonzero(group == g)
        want[idx[np.argsort(-value[idx], kind="stable")[:k]]] = True
    return want


def test_best_per_group_is_the_definition_in_this_process_whatever_the_mode() -> None:
    """In this test process (either mode) the shipped path gives the definition's
    answer, for float32 values (numba's, in aot mode) as for float64."""
    rng = np.random.default_rng(5)
    group = rng.integers(0, 7, 300)
    for value in (rng.random(300), rng.random(300).astype(np.float32)):
        assert np.array_equal(best_per_group(group, value, 2), _best(group, value, 2))
