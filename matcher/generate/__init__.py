"""Seeded synthetic case folders for demos, tests and benchmarks.

Why: real reserve-cadre rosters hold personal data and cannot ship with the
project, yet the engine needs realistic inputs — specialised cadres, rare
certificates, travel limits, demand hot spots in old-housing areas — at every
size from a unit test to a city (100,000 cadres). This package writes such a
folder (``communities.csv``, ``cadres.csv``, ``demands.csv``) from one seed;
the same seed always gives byte-identical files. With ``n_dated`` it adds a week
of dated work orders beside the ongoing ones, and cadres' weekly availability,
days away and weekly limits (:mod:`matcher.generate.dated`); without, the files
are exactly what they were before dated work existed. :func:`generate_history` adds
months of dispatch history for a case (``--history MONTHS`` writes it as
``outcomes.csv`` and ``trainings.csv``).

Example:
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = generate_case(tmp, n_cadres=30, n_demands=10, n_communities=6, seed=1)
    ...     sorted(p.name for p in folder.iterdir())
    ['cadres.csv', 'communities.csv', 'demands.csv']
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TypedDict

import numpy as np

from matcher.generate._core import (
    CADRE_HEADER,
    COMMUNITY_HEADER,
    DEFAULT_TAXONOMY,
    DEMAND_HEADER,
    load_vocabulary,
    make_cadres,
    make_communities,
    make_demands,
)
from matcher.generate.dated import cadre_calendars, order_windows
from matcher.generate.history import History, generate_history
from matcher.generate.shape import Shape
from matcher.io import load_case, save_history
from matcher.paths import SAMPLE_DISTRICT

__all__ = [
    "CADRE_HEADER",
    "COMMUNITY_HEADER",
    "DEFAULT_TAXONOMY",
    "DEMAND_HEADER",
    "SAMPLE_SIZES",
    "SAMPLE_WEEK",
    "WEEK",
    "History",
    "Shape",
    "Sizes",
    "default_communities",
    "generate_case",
    "generate_history",
    "main",
    "sample_district",
    "sample_week",
]


class Sizes(TypedDict):
    """Keyword arguments of :func:`generate_case` that fix an instance's size and seed."""

    n_communities: int
    n_cadres: int
    n_demands: int
    seed: int


SAMPLE_SIZES: Sizes = {"n_communities": 120, "n_cadres": 800, "n_demands": 300, "seed": 20261128}
#: the Monday of the generated dated week
WEEK = dt.date(2026, 12, 7)
#: the dated orders of the sample week (``data/sample-week``): 60 a day at district scale
SAMPLE_WEEK = 420
MAX_DEFAULT_COMMUNITIES = 2000


def default_communities(n_cadres: int) -> int:
    """About 6.7 cadres per community (Gulou: 800 over 120), between 5 and 2,000.

    The cap keeps a city-sized case at a city's count of communities, so the
    cadre pool per community grows instead of the community count.

    >>> default_communities(800), default_communities(100_000)
    (120, 2000)
    """
    return max(5, min(round(n_cadres * 0.15), MAX_DEFAULT_COMMUNITIES))


def generate_case(
    out_dir: str | Path,
    *,
    n_cadres: int,
    n_demands: int,
    n_communities: int | None = None,
    seed: int = 0,
    taxonomy_path: str | Path | None = None,
    n_dated: int = 0,
    week: dt.date = WEEK,
    shape: Shape | None = None,
) -> Path:
    """Write ``communities.csv``, ``cadres.csv`` and ``demands.csv`` into ``out_dir``.

    The first 120 communities lie in Gulou's 13 streets; more are spread over
    synthetic streets in a ~30 x 30 km city box. ``n_dated`` dated orders starting
    in the 7 days from ``week`` follow the ``n_demands`` ongoing ones (0: none, and
    no dated columns at all). ``shape`` draws the pool differently (what varies
    between districts); without it the files are byte for byte what they were
    before shapes existed. Returns the folder path.
    """
    n_com = default_communities(n_cadres) if n_communities is None else n_communities
    if n_cadres < 0 or n_demands < 0 or n_com < 1 or n_dated < 0:
        raise ValueError("need n_cadres >= 0, n_demands >= 0, n_dated >= 0 and n_communities >= 1")
    vocabulary = load_vocabulary(DEFAULT_TAXONOMY if taxonomy_path is None else taxonomy_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    shape = Shape() if shape is None else shape
    communities = make_communities(rng, n_com, out, shape)
    if not n_dated:
        make_cadres(rng, n_cadres, communities, vocabulary, out, shape=shape)
        make_demands(rng, n_demands, communities, vocabulary, out, shape=shape)
        return out
    # dated work draws from a stream of its own: the rest stays what it was
    when = np.random.default_rng([seed, 20])
    calendars = ("available", "away", "hours_per_week"), list(cadre_calendars(when, n_cadres, week))
    make_cadres(rng, n_cadres, communities, vocabulary, out, calendars, shape)
    windows = ("start", "end", "hours"), list(order_windows(when, n_dated, week))
    make_demands(rng, n_demands, communities, vocabulary, out, (when, n_dated, windows), shape)
    return out


def sample_district(out_dir: str | Path | None = None) -> Path:
    """The bundled sample district (default ``data/sample-district`` in the repository)."""
    target = SAMPLE_DISTRICT if out_dir is None else out_dir
    return generate_case(target, **SAMPLE_SIZES)


def sample_week(out_dir: str | Path | None = None) -> Path:
    """The sample district with a week of dated orders (default ``data/sample-week``):
    the same communities, cadres (now with availability) and ongoing demands,
    then :data:`SAMPLE_WEEK` dated orders from the Monday :data:`WEEK`."""
    target = SAMPLE_DISTRICT.parent / "sample-week" if out_dir is None else out_dir
    return generate_case(target, **SAMPLE_SIZES, n_dated=SAMPLE_WEEK)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m matcher.generate OUT --cadres N --demands M --seed S``."""
    parser = argparse.ArgumentParser(
        prog="python -m matcher.generate", description="Write a synthetic case folder."
    )
    parser.add_argument("out", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--cadres", type=int, default=SAMPLE_SIZES["n_cadres"])
    parser.add_argument("--demands", type=int, default=SAMPLE_SIZES["n_demands"])
    parser.add_argument(
        "--communities", type=int, default=None, help="default: ~0.15 per cadre, 5..2000"
    )
    parser.add_argument("--seed", type=int, default=SAMPLE_SIZES["seed"])
    parser.add_argument("--taxonomy", type=Path, default=None, help="taxonomy TOML")
    parser.add_argument(
        "--dated",
        type=int,
        default=0,
        metavar="N",
        help="also write N dated orders in the week from --week, and cadres' availability",
    )
    parser.add_argument(
        "--week",
        type=dt.date.fromisoformat,
        default=WEEK,
        help=f"the first day of the dated week (default {WEEK.isoformat()})",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="MONTHS",
        help="also write MONTHS of dispatch history (outcomes.csv, trainings.csv)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        out = generate_case(
            args.out,
            n_cadres=args.cadres,
            n_demands=args.demands,
            n_communities=args.communities,
            seed=args.seed,
            taxonomy_path=args.taxonomy,
            n_dated=args.dated,
            week=args.week,
        )
        if args.history:
            history = generate_history(load_case(out), seed=args.seed, months=args.history)
            save_history(out, history.outcomes, history.trainings)
    except OSError as exc:
        where = exc.filename or args.out
        print(f"error: cannot write the case to {where}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} in {time.perf_counter() - start:.2f} s")
    return 0
