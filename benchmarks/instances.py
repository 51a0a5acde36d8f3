"""Named instance sizes and suites; instances come from matcher's seeded generator.

The ``robust`` suite draws each size in several contrasting shapes
(:data:`SETTINGS`, knobs of :class:`matcher.generate.Shape`): its instances are
named ``SETTING@SIZE``. Speed is judged on the worst of them, never on the
generator's defaults alone.

Example:
    >>> SIZES["district"]
    (2000, 800)
    >>> SUITES["quick"]
    ('sample', 'small')
    >>> SUITES["robust"][:2]
    ('plain@district', 'open@district')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matcher.generate import Shape, default_communities

__all__ = ["SETTINGS", "SIZES", "SUITES", "Instance", "Setting", "resolve", "split_name"]

#: name -> (cadres, demands); community counts follow the generator's default
SIZES: dict[str, tuple[int, int]] = {
    "small": (500, 200),
    "district": (2_000, 800),
    "town": (5_000, 2_000),
    "city": (20_000, 8_000),
    "metro": (100_000, 40_000),
}


@dataclass(frozen=True)
class Setting:
    """One contrasting way to draw a pool: a shape, and the communities as a
    factor on the generator's default count (few: more cadres share one)."""

    about: str
    shape: Shape
    communities: float = 1.0


#: the robust suite's settings, each unlike the others in what drives the solver
SETTINGS: dict[str, Setting] = {
    "plain": Setting("the generator's defaults", Shape()),
    "open": Setting(
        "70 % of cadres travel anywhere, demands in a few hot spots",
        Shape(no_limit=0.7, heat=1.2),
    ),
    "flat": Setting(
        "a third travel anywhere, capacities 0-3, few needs per demand, popular "
        "scenarios: tie-heavy",
        Shape(
            no_limit=0.35,
            capacity=(0.1, 0.3, 0.3, 0.3),
            extra_needs=(0.8, 0.2, 0.0),
            max_needs=2,
            skew=2.0,
        ),
    ),
    "wide": Setting(
        "capacities up to 5 and headcounts up to 4 (many slots per pair's ends)",
        Shape(
            capacity=(0.05, 0.25, 0.3, 0.2, 0.1, 0.1),
            headcount=(0.3, 0.3, 0.2, 0.2),
        ),
    ),
    "strict": Setting(
        "most needs carry a required level, certificates asked three times as "
        "often and held half as often: sparse, many empty slots",
        Shape(required=(0.0, 0.3, 0.7), demand_certs=3.0, cadre_certs=0.5),
    ),
    "skewed": Setting(
        "a few scenarios take most demands, certificates common, communities "
        "scattered three times as far",
        Shape(skew=3.0, cadre_certs=2.0, spread=3.0),
    ),
    "clustered": Setting(
        "a tenth of the communities (many cadres each), rich needs, everyone "
        "close: distances barely separate cadres",
        Shape(extra_needs=(0.0, 0.3, 0.7), spread=0.3),
        communities=0.1,
    ),
}

#: ``sample`` is the bundled sample district (800 × 300)
SUITES: dict[str, tuple[str, ...]] = {
    "quick": ("sample", "small"),
    "full": ("sample", "district", "town", "city", "metro"),
    # a rolling horizon, fairness off against on (:mod:`benchmarks.fairness`)
    "fairness": ("sample", "small", "district"),
    # every setting at district and city size; metro (proposal only) apart
    "robust": tuple(f"{s}@{z}" for z in ("district", "city") for s in SETTINGS),
    "robust-metro": tuple(f"{s}@metro" for s in SETTINGS),
}


@dataclass(frozen=True)
class Instance:
    name: str
    folder: Path
    source: str  # "sample", "generated seed=N" or "folder"


def split_name(name: str) -> tuple[str, str] | None:
    """``SETTING@SIZE`` -> ``(setting, size)``, or ``None`` for any other name.

    >>> split_name("flat@city"), split_name("city")
    (('flat', 'city'), None)
    """
    setting, at, size = name.partition("@")
    if at and setting in SETTINGS and size in SIZES:
        return setting, size
    return None


def resolve(name: str, cases_dir: Path, seed: int) -> Instance:
    """A size name, ``SETTING@SIZE``, ``sample`` or a case folder path -> an
    instance (generating if needed)."""
    import matcher
    from matcher.generate import generate_case

    both = split_name(name)
    if both is not None:
        setting, size = SETTINGS[both[0]], both[1]
        n, m = SIZES[size]
        k = max(1, round(default_communities(n) * setting.communities))
        folder = cases_dir / f"{both[0]}-{size}-seed{seed}"
        if not (folder / "demands.csv").exists():
            generate_case(
                folder, n_cadres=n, n_demands=m, n_communities=k, seed=seed, shape=setting.shape
            )
        return Instance(
            name,
            folder,
            f"generated ({both[0]}: {setting.about}): {n} cadres × {m} demands, "
            f"{k} communities, seed {seed}",
        )
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
