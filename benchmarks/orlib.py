"""Beasley's OR-Library sparse linear assignment instances (``assignpN.txt``).

File format: the number of items ``n``, then one ``i j c`` triple per allowed
pair (1-based; pairs not listed are forbidden). Minimise the total cost of a
perfect assignment. ``assignopt.txt`` lists the published optima.

matcher maximises score, so a cost ``c`` on a listed pair becomes the score
``BIG - c`` with ``BIG = n · max(c) + 1``: then any matching with one more
pair scores more than any smaller one, the best-scoring matching is perfect
(when one exists), and among perfect ones it is the cheapest. The minimum
cost is ``n · BIG - objective``.

Example:
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp, "assigntiny.txt")
    ...     _ = f.write_text("2\\n 1 1 5 1 2 1\\n 2 1 2\\n")
    ...     inst = read_instance(f)
    >>> inst.n, inst.rows.tolist(), inst.cols.tolist(), inst.cost.tolist()
    (2, [0, 0, 1], [0, 1, 0], [5, 1, 2])
    >>> min_cost(inst, to_problem(inst).score[[1, 2]].sum())
    3
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.problem import Problem

__all__ = [
    "OrlibInstance",
    "find_instances",
    "min_cost",
    "read_instance",
    "read_optima",
    "to_problem",
]


@dataclass(frozen=True)
class OrlibInstance:
    name: str
    n: int
    rows: npt.NDArray[np.int64]  # 0-based
    cols: npt.NDArray[np.int64]
    cost: npt.NDArray[np.int64]

    @property
    def big(self) -> int:
        return self.n * int(self.cost.max(initial=0)) + 1


def read_instance(path: str | Path) -> OrlibInstance:
    """Parse one instance (whitespace-separated numbers; line breaks do not matter)."""
    p = Path(path)
    data = np.array(p.read_text().split(), dtype=np.int64)
    if data.size < 1 or (data.size - 1) % 3:
        raise ValueError(f"{p}: expected n then i j c triples, got {data.size} numbers")
    n = int(data[0])
    t = data[1:].reshape(-1, 3)
    if t.size and (t[:, :2].min() < 1 or t[:, :2].max() > n):
        raise ValueError(f"{p}: an index lies outside 1..{n}")
    # a repeated pair keeps its cheapest cost
    order = np.lexsort((t[:, 2], t[:, 1], t[:, 0]))
    t = t[order]
    first = np.ones(len(t), dtype=bool)
    first[1:] = (t[1:, 0] != t[:-1, 0]) | (t[1:, 1] != t[:-1, 1])
    t = t[first]
    return OrlibInstance(p.stem, n, t[:, 0] - 1, t[:, 1] - 1, t[:, 2])


def read_optima(path: str | Path) -> dict[str, int]:
    """``assignopt.txt``: lines ``name value``; header and other lines are ignored."""
    out = {}
    for line in Path(path).read_text().splitlines():
        m = re.fullmatch(r"\s*(\S+)\s+(-?\d+)\s*", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def find_instances(folder: str | Path) -> list[Path]:
    """``assign*.txt`` files in a folder except ``assignopt.txt``, smallest n first."""
    files = [f for f in Path(folder).glob("assign*.txt") if f.stem != "assignopt"]
    return sorted(files, key=lambda f: (len(f.stem), f.stem))


def to_problem(inst: OrlibInstance) -> Problem:
    """The instance in matcher's max-score form (``score = BIG - cost``)."""
    n = inst.n
    return Problem(
        name=inst.name,
        n_rows=n,
        n_cols=n,
        rows=inst.rows,
        cols=inst.cols,
        score=(inst.big - inst.cost).astype(np.float64),
        capacity=np.ones(n, np.int64),
        headcount=np.ones(n, np.int64),
        fit=np.zeros(inst.cost.size),
        km=np.zeros(inst.cost.size),
        priority=np.ones(n),
        category=("all",) * n,
        n_feasible=int(inst.cost.size),
        quantum=1.0,
    )


def min_cost(inst: OrlibInstance, objective: float) -> int:
    """Cost of a perfect assignment from its max-score objective."""
    return round(inst.n * inst.big - objective)
