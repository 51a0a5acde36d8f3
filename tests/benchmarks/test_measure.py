"""The harness's memory figures belong to the process measured, not to whoever started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.measure import Phase, max_rss_mb

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_worker_does_not_inherit_its_parents_peak() -> None:
    ballast = np.ones(40_000_000)  # 305 MiB touched in this (the parent) process
    assert max_rss_mb() > 300
    code = "from benchmarks.measure import max_rss_mb; print(max_rss_mb())"
    # a preexec_fn forces fork + exec, as the harness's memory cap does
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        preexec_fn=lambda: None,
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(out.stdout) < 100, "the child reports its own peak"
    del ballast


def test_a_phase_sees_what_it_allocates() -> None:
    with Phase(interval=0.001) as ph:
        block = np.ones(20_000_000)  # 153 MiB
        block += 1
    assert ph.peak_rss_mb - ph.start_rss_mb > 100


def test_a_childs_peak_is_counted_once_it_has_ended() -> None:
    """matcher solves a large MILP in a child process (matcher.solver.sided): the peak a
    worker reports is the larger of its own and its largest child's, so a solve in a
    child is not measured as the worker's small size. A fresh process measures, so no
    peak of this one (pytest, the test above) hides the child's."""
    code = """if True:
        import subprocess, sys
        from benchmarks.measure import max_rss_mb
        before = max_rss_mb()
        grow = "import numpy as np; b = np.ones(40_000_000); b += 1"  # 305 MiB
        subprocess.run([sys.executable, "-c", grow], check=True)
        print(before, max_rss_mb())
    """
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, after = map(float, out.stdout.split())
    assert before < 100, "the measuring process itself is small"
    assert after > 300, "the child's 305 MiB are in the peak"
