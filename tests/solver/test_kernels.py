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

#: under CI the module must be there (make test builds it): its tests fail, not skip
needs_module = pytest.mark.skipif(
    not kernels.built() and not os.environ.get("CI"),
    reason="no kernels module built for these sources (make: python -m matcher.warm.build)",
)

_c = np.arange(12.0).reshape(3, 4)
_ro = np.arange(5)
_ro.setflags(write=False)
VALUES = [
    1,
    -(2**40),
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


_unaligned = np.zeros(17, np.uint8)[1:].view(np.float64)


@pytest.mark.parametrize(
    "value",
    [2**63 + 5, -(2**64), np.ma.array([1.0, 2.0]), np.zeros(3, dtype=[("a", "<f8")]), _unaligned],
    ids=["big-int", "negative-big-int", "masked", "record", "unaligned"],
)
def test_values_no_compiled_function_takes_never_get_one(value) -> None:  # type: ignore[no-untyped-def]
    """Integers past int64, ndarray subclasses, structured dtypes and unaligned arrays
    are judged by numba: their key is one no build records, so no function of the
    module is ever picked for them."""
    key = kernels.type_key(value)
    try:
        recorded = _key(numba.typeof(value))
    except Exception:  # numba refuses it outright
        recorded = None
    assert key == kernels.OTHER or recorded is None or key != kernels._frozen(recorded)
    assert not kernels._fits((key,), (("array", "<f8", 1, "A", False, True),))


def test_an_array_of_one_layout_fits_a_function_built_for_any_layout() -> None:
    """numba's rule, and only it: C or F into A; never A into C, nor across dtype,
    dimensions, read-only or alignment; the same inside tuples."""
    c = kernels.type_key(np.zeros(3))
    a = kernels.type_key(np.zeros(6)[::2])
    built_a, built_c = ("array", "<f8", 1, "A", False, True), ("array", "<f8", 1, "C", False, True)
    assert kernels._fits((c, "<i8"), (built_a, "<i8"))
    assert kernels._fits((("tuple", (c, "<f8")),), (("tuple", (built_a, "<f8")),))
    assert not kernels._fits((a,), (built_c,))
    assert not kernels._fits((c, "<f8"), (built_a, "<i8"))
    ro = np.zeros(3)
    ro.setflags(write=False)
    assert not kernels._fits((kernels.type_key(ro),), (built_a,))
    assert not kernels._fits((kernels.type_key(np.zeros(3, np.float32)),), (built_a,))
    assert not kernels._fits((kernels.type_key(np.zeros((3, 1))),), (built_a,))


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


@needs_module
def test_the_built_module_is_readable_by_every_user() -> None:
    """A service running as another user finds it (mkdtemp's 0700 is not kept)."""
    mode = kernels.AOT_DIR.stat().st_mode
    assert mode & 0o055 == 0o055 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


_THREADS = """
import json, sys, threading, time
import numpy as np
from matcher.solver import kernels
from matcher.solver.groupbest import _mark_best

n = 20_000_000
group = np.arange(n, dtype=np.int64) % 1000
value = np.random.default_rng(0).random(n)
out = np.zeros(n, bool)


def running_meanwhile(fn):
    # no forced switches: a thread holding the GIL keeps it until it gives it up, so
    # this thread wakes while fn still runs only if fn released it
    t = threading.Thread(target=fn, args=(group, value, 3, 1000, out))
    t.start()
    time.sleep(0.01)
    alive = t.is_alive()
    t.join()
    return alive


sys.setswitchinterval(100.0)
got = {"mode": kernels.mode(), "compiled": running_meanwhile(_mark_best)}
got["marked"] = int(out.sum())
import numba

held = numba.njit(_mark_best.py_func)  # the same loop, the GIL kept: the control
held(group[:5], value[:5], 1, 1000, out[:5])
got["held"] = running_meanwhile(held)
got["fallbacks"] = kernels.fallbacks()
print(json.dumps(got))
"""


@needs_module
def test_a_compiled_function_lets_other_threads_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The module's functions release the GIL as numba's nogil kernels do (the engine
    runs the alternates and the reasons in threads): with forced switches off, this
    thread wakes from a short sleep while the kernel still works on 20 million values;
    with the same loop compiled holding the GIL (the control) it wakes only after."""
    got = _run(_THREADS, None, tmp_path)
    assert got["mode"] == "aot" and got["fallbacks"] == []
    assert got["marked"] == 3000
    assert got["compiled"] is True
    assert got["held"] is False


def test_make_builds_only_a_missing_or_stale_module_and_never_fails(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """``python -m matcher.warm.build --if-stale`` (what make runs): nothing to do when
    the module is built for these sources; else a build, said in the locale's words;
    a build that fails is said too, and make goes on (exit 0: numba runs the kernels)."""
    from matcher.warm import build

    calls: list[int] = []

    def fake(result: float | Exception):  # type: ignore[no-untyped-def]
        def run() -> float:
            calls.append(1)
            if isinstance(result, Exception):
                raise result
            return result

        return run

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setattr(build, "build_kernels", fake(12.0))
    monkeypatch.setattr(kernels, "built", lambda: True)
    assert build.main(["--if-stale"]) == 0 and calls == []
    monkeypatch.setattr(kernels, "built", lambda: False)
    assert build.main(["--if-stale"]) == 0 and calls == [1]
    assert "compiled the kernels ahead of time" in capsys.readouterr().out
    monkeypatch.setattr(build, "build_kernels", fake(RuntimeError("Python.h missing")))
    assert build.main([]) == 0 and calls == [1, 1]
    err = capsys.readouterr().err
    assert "not compiled ahead of time" in err and "Python.h missing" in err
