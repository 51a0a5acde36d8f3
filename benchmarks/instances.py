"""Named instance sizes and suites; instances come from matcher's seeded generator.

Example:
    >>> SIZES["district"]
    (2000, 800)
    >>> SUITES["quick"]
    ('sample', 'small')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SIZES", "SUITES", "Instance", "resolve"]

#: name -> (cadres, demands); community counts follow the generator's default
SIZES: dict[str, tuple[int, int]] = {
    "small": (500, 200),
    "district": (2_000, 800),
    "town": (5_000, 2_000),
    "city": (20_000, 8_000),
    "metro": (100_000, 40_000),
}

#: ``sample`` is the bundled sample district (800 × 300)
SUITES: dict[str, tuple[str, ...]] = {
    "quick": ("sample", "small"),
    "full": ("sample", "district", "town", "city", "metro"),
    # a rolling horizon, fairness off against on (:mod:`benchmarks.fairness`)
    "fairness": ("sample", "small", "district"),
}


@dataclass(frozen=True)
class Instance:
    name: str
    folder: Path
    source: str  # "sample", "generated seed=N" or "folder"


def resolve(name: str, cases_dir: Path, seed: int) -> Instance:
    """A size name, ``sample`` or a case folder path -> an instance (generating if needed)."""
    import matcher
    from matcher.generate import generate_case

    if name == "sample":
        return Instance("sample", Path(matcher.SAMPLE_DISTRICT), "bundled sample district")
    if name in SIZES:
        n, m = SIZES[name]
        folder = cases_dir / f"{name}-seed{seed}"
        if not (folder / "demands.csv").exists():
            generate_case(folder, n_cadres=n, n_demands=m, seed=seed)
        return Instance(name, folder, f"generated: {n} cadres × {m} demands, seed {seed}")
    folder = Path(name)
    if not folder.is_dir():
        raise ValueError(f"{name!r} is neither a size ({', '.join(SIZES)}), 'sample' nor a folder")
    return Instance(folder.name, folder, f"case folder {folder}")
