"""The OR-Library parser and the cost-to-score conversion, on a tiny file."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from benchmarks.orlib import find_instances, min_cost, read_instance, read_optima, to_problem
from benchmarks.peers import run_solver
from tests.benchmarks.problems import ORLIB_TINY


def brute_force(n: int, cost: dict[tuple[int, int], int]) -> int:
    best = None
    for perm in itertools.permutations(range(n)):
        if all((i, j) in cost for i, j in enumerate(perm)):
            c = sum(cost[i, j] for i, j in enumerate(perm))
            best = c if best is None else min(best, c)
    assert best is not None
    return best


def test_parser_reads_triples_across_line_breaks(tmp_path: Path) -> None:
    f = tmp_path / "assigntiny.txt"
    f.write_text(ORLIB_TINY)
    inst = read_instance(f)
    assert inst.n == 3 and inst.name == "assigntiny"
    assert inst.rows.tolist() == [0, 0, 0, 1, 1, 2, 2]
    assert inst.cols.tolist() == [0, 1, 2, 0, 1, 1, 2]
    assert inst.cost.tolist() == [4, 1, 9, 2, 8, 3, 7]
    assert inst.big == 3 * 9 + 1


def test_solver_core_finds_the_brute_force_optimum(tmp_path: Path) -> None:
    f = tmp_path / "assigntiny.txt"
    f.write_text(ORLIB_TINY)
    inst = read_instance(f)
    p = to_problem(inst)
    got = run_solver("matcher", p)
    assert got.edges.size == 3
    cost = {
        (int(i), int(j)): int(c) for i, j, c in zip(inst.rows, inst.cols, inst.cost, strict=True)
    }
    assert min_cost(inst, float(p.score[got.edges].sum())) == brute_force(3, cost) == 1 + 2 + 7


def test_bad_files_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "assignbad.txt"
    f.write_text("2\n1 1 3\n2 2\n")
    with pytest.raises(ValueError, match="triples"):
        read_instance(f)
    f.write_text("2\n1 3 3\n")
    with pytest.raises(ValueError, match="outside"):
        read_instance(f)


def test_optima_and_instance_listing(tmp_path: Path) -> None:
    opt = "Data file    Optimal\nassignp800    2239\n\nreal1 8.5\n"
    (tmp_path / "assignopt.txt").write_text(opt)
    for n in (1500, 800):
        (tmp_path / f"assignp{n}.txt").write_text("1\n1 1 1\n")
    assert read_optima(tmp_path / "assignopt.txt") == {"assignp800": 2239}
    assert [p.stem for p in find_instances(tmp_path)] == ["assignp800", "assignp1500"]
    assert np.array_equal(read_instance(tmp_path / "assignp800.txt").cost, [1])
