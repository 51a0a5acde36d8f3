"""Sweeps: many scenarios from a parameter grid or a seeded random sample, run in parallel.

A sweep file holds parameters and edits in which ``"$name"`` stands for a
parameter's value::

    [sweep]
    mode = "grid"            # or "random" (then: samples = 200, seed = 1)
    [sweep.params]
    flood = [1.0, 1.5, 2.0]  # a list of values, or {low = 1.0, high = 3.0} for random
    leave = [0, 10, 20]
    [[edits]]
    kind = "scale_demand"
    category = "emergency"
    factor = "$flood"

Every scenario is solved exactly without alternates (``Policy(alternatives=0)``:
a sweep reports KPIs, and pricing alternates would cost ~40% more time).
Executors: :class:`LocalExecutor` (a process pool; ``workers=1`` runs in this
process) and :class:`DaskExecutor` (any ``dask.distributed`` scheduler). Rows come
back in scenario order whatever the executor, so results are identical.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from matcher.model import Case
from matcher.propose import propose
from matcher.tomlfile import read_toml_text
from matcher.whatif.engine import fast_policy
from matcher.whatif.scenario import ScenarioError, apply_scenario, parse_scenario

__all__ = [
    "DaskExecutor",
    "LocalExecutor",
    "Sweep",
    "SweepPoint",
    "load_sweep",
    "parse_sweep",
    "run_point",
    "run_sweep",
]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepPoint:
    index: int
    params: dict[str, Any]
    edits: list[dict[str, Any]]


@dataclass(frozen=True)
class Sweep:
    name: str
    params: tuple[str, ...]
    points: tuple[SweepPoint, ...]


def _substitute(value: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$") and value[1:] in params:
        return params[value[1:]]
    if isinstance(value, list):
        return [_substitute(v, params) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, params) for k, v in value.items()}
    return value


def load_sweep(path: str | Path, case: Case) -> Sweep:
    """Read a sweep file; every point's edits are validated against ``case`` up front."""
    p = Path(path)
    data, text = read_toml_text(p, ScenarioError, "sweep")
    return parse_sweep(data, case, source=str(p), text=text)


def parse_sweep(
    data: Mapping[str, Any], case: Case, *, source: str = "sweep", text: str | None = None
) -> Sweep:
    from matcher.errors import Problem

    spec = data.get("sweep", {})
    params = spec.get("params", {}) if isinstance(spec, dict) else {}
    mode = spec.get("mode", "grid") if isinstance(spec, dict) else None
    problems: list[Problem] = []
    if mode not in ("grid", "random"):
        problems.append(Problem(source, "sweep.mode must be 'grid' or 'random'", value=str(mode)))
    if not isinstance(params, dict) or not params:
        problems.append(Problem(source, "[sweep.params] must name at least one parameter"))
    if problems:
        raise ScenarioError(f"{source}: invalid sweep", problems)
    names = tuple(params)
    combos: list[dict[str, Any]]
    if mode == "grid":
        for k, v in params.items():
            if not isinstance(v, list) or not v:
                problems.append(Problem(source, f"grid parameter '{k}' needs a list of values"))
        if problems:
            raise ScenarioError(f"{source}: invalid sweep", problems)
        combos = [dict(zip(names, vs, strict=True)) for vs in itertools.product(*params.values())]
    else:
        n, seed = spec.get("samples", 100), spec.get("seed", 0)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 100_000:
            problems.append(
                Problem(source, "sweep.samples must be an integer 1–100000", value=str(n))
            )
        if not isinstance(seed, int) or isinstance(seed, bool):
            problems.append(Problem(source, "sweep.seed must be an integer", value=str(seed)))
        if problems:
            raise ScenarioError(f"{source}: invalid sweep", problems)
        rng = random.Random(seed)
        combos = []
        for _ in range(int(n)):
            row: dict[str, Any] = {}
            for k, v in params.items():
                if isinstance(v, list):
                    row[k] = rng.choice(v)
                elif (
                    isinstance(v, dict)
                    and {"low", "high"} <= set(v)
                    and all(isinstance(v[x], int | float) for x in ("low", "high"))
                    and v["low"] <= v["high"]
                ):
                    lo, hi = v["low"], v["high"]
                    row[k] = (
                        rng.randint(lo, hi)
                        if isinstance(lo, int) and isinstance(hi, int)
                        else round(rng.uniform(lo, hi), 4)
                    )
                else:
                    problems.append(
                        Problem(
                            source, f"parameter '{k}' needs a list or {{low, high}}, low <= high"
                        )
                    )
            combos.append(row)
        if problems:
            raise ScenarioError(f"{source}: invalid sweep", problems[: len(params)])
    edits = data.get("edits", [])
    points = []
    for i, combo in enumerate(combos):
        e = _substitute(edits, combo)
        parse_scenario({"edits": e}, case, source=source, text=text)  # raises on a bad point
        points.append(SweepPoint(i, combo, e))
    return Sweep(str(data.get("name", Path(source).stem)), names, tuple(points))


def run_point(case: Case, point: SweepPoint) -> dict[str, Any]:
    """One scenario's row: its parameters and KPIs (exact, without alternates)."""
    sc = parse_scenario({"edits": point.edits}, case)
    new, _ = apply_scenario(case, sc)
    p = propose(new, fast_policy(new))
    return {"index": point.index, **point.params, **p.kpis.model_dump(), "solver": p.solver}


_WORKER_CASE: Case | None = None


def _init(case: Case) -> None:
    global _WORKER_CASE
    _WORKER_CASE = case


def _run_in_worker(point: SweepPoint) -> dict[str, Any]:
    assert _WORKER_CASE is not None
    return run_point(_WORKER_CASE, point)


class Executor(Protocol):
    def map(
        self, case: Case, points: Sequence[SweepPoint], progress: Progress | None
    ) -> Iterator[dict[str, Any]]: ...


class LocalExecutor:
    """A local process pool (the case is sent once per worker); ``workers=1`` runs inline."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def map(
        self, case: Case, points: Sequence[SweepPoint], progress: Progress | None = None
    ) -> Iterator[dict[str, Any]]:
        if self.workers == 1:
            for k, pt in enumerate(points, 1):
                yield run_point(case, pt)
                if progress:
                    progress(k, len(points))
            return
        with ProcessPoolExecutor(self.workers, initializer=_init, initargs=(case,)) as pool:
            futures = [pool.submit(_run_in_worker, pt) for pt in points]
            for k, f in enumerate(as_completed(futures), 1):
                yield f.result()
                if progress:
                    progress(k, len(points))


class DaskExecutor:
    """Runs points on a ``dask.distributed`` cluster: an address or an existing Client."""

    def __init__(self, address: Any) -> None:
        self.address = address

    def map(
        self, case: Case, points: Sequence[SweepPoint], progress: Progress | None = None
    ) -> Iterator[dict[str, Any]]:
        from distributed import Client
        from distributed import as_completed as dask_completed

        own = not isinstance(self.address, Client)
        client = Client(self.address) if own else self.address  # type: ignore[no-untyped-call]
        try:
            shared = client.scatter(case, broadcast=True)
            futures = client.map(run_point, [shared] * len(points), points, pure=False)
            for k, f in enumerate(dask_completed(futures), 1):  # type: ignore[no-untyped-call]
                yield f.result()
                if progress:
                    progress(k, len(points))
        finally:
            if own:
                client.close()


def run_sweep(
    case: Case,
    sweep: Sweep,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Every point's row, in point order (identical across executors)."""
    ex = executor or LocalExecutor(1)
    rows = list(ex.map(case, sweep.points, progress))
    return sorted(rows, key=lambda r: r["index"])
