"""Sampling code: every draw comes from one ``numpy.random.Generator``, in a fixed order.

Rows are built as whole arrays (a cadre-by-tag level matrix, a demand-by-tag
need matrix); only the final string joins for the CSV are per-row Python.
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher.generate import _data
from matcher.generate.shape import TRAVEL_KM, Shape
from matcher.paths import DATA_DIR

DEFAULT_TAXONOMY = DATA_DIR / "taxonomy" / "gulou.toml"

COMMUNITY_HEADER = ("id", "name", "street", "lat", "lon")
CADRE_HEADER = ("id", "name", "home", "skills", "certs", "capacity", "status", "max_travel_km")
DEMAND_HEADER = ("id", "community", "title", "needs", "requires", "certs", "headcount", "priority")

#: the generator's own shape (every default)
PLAIN = Shape()
_SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Levels = npt.NDArray[np.int8]
Mask = npt.NDArray[np.bool_]
#: extra columns of a generated file: their header and, per column, one cell per row
Extra = tuple[tuple[str, ...], list[list[str]]]


@dataclass(frozen=True)
class Vocabulary:
    """What the generator needs from a taxonomy file: slugs in file order."""

    categories: tuple[str, ...]
    category_zh: tuple[str, ...]
    tags: tuple[str, ...]  # full slugs "category.tag"
    tag_category: Ints  # category index of each tag
    certs: tuple[str, ...]


def load_vocabulary(path: str | Path) -> Vocabulary:
    """Read the taxonomy TOML (``[[categories]]`` with ``[[categories.tags]]``, ``[[certs]]``)."""
    with Path(path).open("rb") as fh:
        raw = tomllib.load(fh)
    cats, zh, tags, tag_cat, certs = [], [], [], [], []
    for k, cat in enumerate(raw.get("categories", [])):
        cats.append(_slug(cat["slug"]))
        zh.append(str(cat.get("zh", cat["slug"])))
        for tag in cat.get("tags", []):
            tags.append(f"{cats[-1]}.{_slug(tag['slug'])}")
            tag_cat.append(k)
    certs = [_slug(c["slug"]) for c in raw.get("certs", [])]
    if not tags or len(set(tags)) != len(tags) or len(set(certs)) != len(certs):
        raise ValueError(f"{path}: taxonomy needs unique tags (at least one) and unique certs")
    return Vocabulary(tuple(cats), tuple(zh), tuple(tags), np.array(tag_cat), tuple(certs))


def _slug(value: object) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ValueError(f"bad slug {value!r}: use lowercase a-z, 0-9 and _")
    return value


def _ids(prefix: str, n: int, width: int) -> list[str]:
    width = max(width, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def _gumbel_rank(rng: np.random.Generator, weights: Floats) -> Ints:
    """Rank of each column per row in a weighted draw without replacement (0 = first).

    Gumbel top-k: adding Gumbel noise to log-weights and sorting samples
    columns without replacement in proportion to their weights; zero-weight
    columns always rank last.
    """
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    order = np.argsort(-keys, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(weights.shape[1])[None, :], axis=1)
    return rank.astype(np.int64)


def _pairs(levels: Levels, names: Sequence[str]) -> list[str]:
    """Each row's nonzero entries as ``name:level`` joined by ``;`` (column order)."""
    rows, cols = np.nonzero(levels)
    table = np.array([[f"{n}:{lv}" for lv in range(6)] for n in names], dtype=object)
    tokens = table[cols, levels[rows, cols]].tolist() if rows.size else []
    return _join_rows(tokens, rows, levels.shape[0])


def _flags(held: Mask, names: Sequence[str]) -> list[str]:
    rows, cols = np.nonzero(held)
    tokens = np.array(names, dtype=object)[cols].tolist() if rows.size else []
    return _join_rows(tokens, rows, held.shape[0])


def _join_rows(tokens: list[str], rows: Ints, n_rows: int) -> list[str]:
    ends = np.cumsum(np.bincount(rows, minlength=n_rows)).tolist()
    starts = [0, *ends][:-1]
    return [";".join(tokens[a:b]) for a, b in zip(starts, ends, strict=True)]


def _unique_names(
    rng: np.random.Generator, n: int, suffixes: Sequence[str], avoid: set[str]
) -> list[str]:
    head, tail = _data.NAME_HEAD, _data.NAME_TAIL
    space = len(head) * len(tail) * len(suffixes)
    if n + len(avoid) > space:
        raise ValueError(f"can name at most {space - len(avoid)} generated places, asked for {n}")
    out: list[str] = []
    for code in rng.permutation(space).tolist():
        a, rest = divmod(code, len(tail) * len(suffixes))
        b, s = divmod(rest, len(suffixes))
        name = head[a] + tail[b] + suffixes[s]
        if name not in avoid:
            out.append(name)
            if len(out) == n:
                break
    return out


@dataclass(frozen=True)
class Communities:
    ids: list[str]
    lat: Floats
    lon: Floats
    old: Floats  # old-housing index in [0, 1]
    heat: Floats  # baseline demand intensity


def make_communities(
    rng: np.random.Generator, n: int, out: Path, shape: Shape = PLAIN
) -> Communities:
    """Gulou's 13 streets first (up to 120 communities), then synthetic streets city-wide."""
    gulou = _data.GULOU_STREETS
    n_local = min(n, 120)
    n_syn = n - n_local
    n_syn_streets = math.ceil(n_syn / _data.COMMUNITIES_PER_SYNTHETIC_STREET)
    street = np.concatenate(
        [
            (np.arange(n_local) * len(gulou)) // max(n_local, 1),
            len(gulou) + (np.arange(n_syn) * n_syn_streets) // max(n_syn, 1),
        ]
    ).astype(np.int64)
    lat0, lat1, lon0, lon1 = _data.CITY_BOX
    centre_lat = np.concatenate([[s[1] for s in gulou], rng.uniform(lat0, lat1, n_syn_streets)])
    centre_lon = np.concatenate([[s[2] for s in gulou], rng.uniform(lon0, lon1, n_syn_streets)])
    street_old = np.concatenate([[s[3] for s in gulou], rng.uniform(0.1, 0.8, n_syn_streets)])
    local = np.arange(n) < n_local
    box = np.where(local[:, None], np.array(_data.GULOU_BOX), np.array(_data.CITY_BOX))
    sd_lat, sd_lon = (sd * shape.spread for sd in _data.SCATTER_DEG)
    lat = np.clip(centre_lat[street] + rng.normal(0, sd_lat, n), box[:, 0], box[:, 1])
    lon = np.clip(centre_lon[street] + rng.normal(0, sd_lon, n), box[:, 2], box[:, 3])
    old = np.clip(street_old[street] + rng.normal(0, 0.15, n), 0.0, 1.0)
    heat = rng.lognormal(0.0, shape.heat, n)

    real = [[f"{r}社区" for r in s[4].split()] for s in gulou]
    taken: set[str] = {name for names in real for name in names}
    rank_in_street = np.arange(n) - np.searchsorted(street, street)
    names: list[str | None] = [
        real[s][k] if s < len(gulou) and k < len(real[s]) else None
        for s, k in zip(street.tolist(), rank_in_street.tolist(), strict=True)
    ]
    fresh = iter(_unique_names(rng, names.count(None), _data.NAME_SUFFIX, taken))
    street_names = [s[0] for s in gulou] + _unique_names(rng, n_syn_streets, ("街道",), set())
    ids = _ids("C", n, 3)
    _write(
        out / "communities.csv",
        COMMUNITY_HEADER,
        [
            ids,
            [nm if nm is not None else next(fresh) for nm in names],
            [street_names[s] for s in street.tolist()],
            [f"{x:.6f}" for x in lat.tolist()],
            [f"{x:.6f}" for x in lon.tolist()],
        ],
    )
    return Communities(ids, lat, lon, old, heat)


def make_cadres(
    rng: np.random.Generator,
    n: int,
    com: Communities,
    voc: Vocabulary,
    out: Path,
    extra: Extra | None = None,
    shape: Shape = PLAIN,
) -> None:
    """Cadres specialise in one category (often two); certs follow their strong tags.
    ``extra`` adds columns after the required ones (dated work: their cells per row)."""
    n_cat, n_tag = len(voc.categories), len(voc.tags)
    cat_w = np.array([_data.CATEGORY_WEIGHT.get(c, 1.0 / 6) for c in voc.categories])
    primary = rng.choice(n_cat, size=n, p=cat_w / cat_w.sum())
    secondary = (primary + rng.integers(1, max(n_cat, 2), size=n)) % n_cat
    has_second = (rng.random(n) < 0.55) & (n_cat > 1)
    is_primary = voc.tag_category[None, :] == primary[:, None]
    is_second = (voc.tag_category[None, :] == secondary[:, None]) & has_second[:, None]
    weight = np.where(is_primary, 3.0, np.where(is_second, 1.0, 0.12))
    k = np.minimum(rng.choice(np.arange(2, 7), size=n, p=[0.18, 0.3, 0.27, 0.15, 0.1]), n_tag)
    chosen = _gumbel_rank(rng, weight) < k[:, None]
    mu = 1.9 + 1.2 * is_primary + 0.6 * is_second + rng.normal(0, 0.5, (n, 1))
    drawn = np.clip(np.rint(mu + rng.normal(0, 0.8, (n, n_tag))), 1, 5)
    levels = np.where(chosen, drawn, 0).astype(np.int8)

    tag_pos = {t: i for i, t in enumerate(voc.tags)}
    p_cert = np.zeros((n, len(voc.certs)))
    for j, cert in enumerate(voc.certs):
        base, related = _data.CERT_MODEL.get(cert, (0.03, ()))
        cols = [tag_pos[t] for t in related if t in tag_pos]
        best = levels[:, cols].max(axis=1) if cols else np.zeros(n)
        p_cert[:, j] = base * (0.2 + 0.3 * best**1.5) if cols else base
    held = rng.random(p_cert.shape) < np.minimum(p_cert * shape.cadre_certs, 0.9)
    held &= _gumbel_rank(rng, np.where(held, 1.0, 0.0)) < 2  # at most two certs each

    home = rng.choice(len(com.ids), size=n, p=_normalise(rng.lognormal(0, 0.3, len(com.ids))))
    capacity = rng.choice(len(shape.capacity), size=n, p=shape.capacity)
    status = rng.choice(3, size=n, p=[0.80, 0.15, 0.05])
    travel = rng.choice(len(TRAVEL_KM), size=n, p=shape.travel_p())
    surname = rng.choice(
        len(_data.SURNAMES), size=n, p=_normalise(1 / (np.arange(len(_data.SURNAMES)) + 4))
    )
    given = rng.integers(0, len(_data.GIVEN), size=(n, 2))
    two_char = rng.random(n) < 0.75
    sur, giv = _data.SURNAMES, _data.GIVEN
    more_header, more = extra if extra is not None else ((), [])
    _write(
        out / "cadres.csv",
        CADRE_HEADER + more_header,
        [
            _ids("P", n, 4),
            [
                sur[s] + giv[a] + (giv[b] if t else "")
                for s, (a, b), t in zip(
                    surname.tolist(), given.tolist(), two_char.tolist(), strict=True
                )
            ],
            [com.ids[h] for h in home.tolist()],
            _pairs(levels, voc.tags),
            _flags(held, voc.certs),
            [str(c) for c in capacity.tolist()],
            np.array(["green", "yellow", "red"])[status].tolist(),
            np.array(TRAVEL_KM)[travel].tolist(),
            *more,
        ],
    )


@dataclass(frozen=True)
class _Template:
    titles: tuple[str, ...]
    core: dict[int, int]  # tag column -> base level
    extra: dict[int, int]
    cert: int  # cert column or -1
    cert_p: float
    old_affinity: float
    weight: float
    priority: int
    duty: bool


def _templates(voc: Vocabulary) -> list[_Template]:
    """The scenario table, restricted to tags and certs this taxonomy has."""
    tag_pos = {t: i for i, t in enumerate(voc.tags)}

    def levels(spec: str) -> dict[int, int]:
        items = [item.split(":") for item in spec.split()]
        return {tag_pos[t]: int(lv) for t, lv in items if t in tag_pos}

    out = []
    for sc in _data.SCENARIOS:
        core = levels(sc.core)
        if len(core) < len(sc.core.split()):
            continue
        cert, _, p = sc.cert.partition(":")
        cert_col = voc.certs.index(cert) if cert in voc.certs else -1
        out.append(
            _Template(
                tuple(sc.titles.split("|")),
                core,
                levels(sc.extra),
                cert_col,
                float(p or 0),
                sc.old,
                sc.weight,
                sc.priority,
                sc.duty,
            )
        )
    if not out:  # a foreign taxonomy: one generic scenario per category
        for c, (slug, zh) in enumerate(zip(voc.categories, voc.category_zh, strict=True)):
            cols = np.flatnonzero(voc.tag_category == c).tolist()
            out.append(
                _Template(
                    (f"{zh}工作支援",),
                    dict.fromkeys(cols[:2], 3),
                    dict.fromkeys(cols[2:], 2),
                    -1,
                    0.0,
                    0.0,
                    1.0,
                    3,
                    slug == "emergency",
                )
            )
    return out


def make_demands(
    rng: np.random.Generator,
    m: int,
    com: Communities,
    voc: Vocabulary,
    out: Path,
    dated: tuple[np.random.Generator, int, Extra] | None = None,
    shape: Shape = PLAIN,
) -> None:
    """Demands from scenario templates, placed on a heat map that favours old housing.

    ``dated = (rng, k, (header, cells))``: ``k`` more demands drawn from that
    generator follow the ``m`` ongoing ones, with the extra columns ``header``
    (``cells`` for the ``k``; blank for the ongoing ones)."""
    rows = demand_columns(rng, m, com, voc, shape)
    more_header: tuple[str, ...] = ()
    if dated is not None:
        d_rng, k, (more_header, cells) = dated
        rows = [a + b for a, b in zip(rows, demand_columns(d_rng, k, com, voc, shape), strict=True)]
        rows += [[""] * m + c for c in cells]
    ids = _ids("D", len(rows[0]) if rows else m, 4)
    _write(out / "demands.csv", DEMAND_HEADER + more_header, [ids, *rows])


def demand_columns(
    rng: np.random.Generator, m: int, com: Communities, voc: Vocabulary, shape: Shape = PLAIN
) -> list[list[str]]:
    """The columns of ``m`` demands after ``id`` (see :func:`make_demands`)."""
    tpls = _templates(voc)
    n_tag = len(voc.tags)
    weight = np.array([t.weight for t in tpls])
    if shape.skew != 1.0:
        weight = weight**shape.skew
    which = rng.choice(len(tpls), size=m, p=_normalise(weight))
    needs = np.zeros((m, n_tag), dtype=np.int8)
    core = np.zeros((m, n_tag), dtype=bool)
    community = np.zeros(m, dtype=np.int64)
    cert = np.full(m, -1, dtype=np.int64)
    title = np.zeros(m, dtype=np.int64)
    priority = np.zeros(m, dtype=np.int64)
    duty = np.zeros(m, dtype=bool)
    for t, tpl in enumerate(tpls):
        rows = np.flatnonzero(which == t)
        r = rows.size
        if r == 0:
            continue
        pull = com.heat * (1.0 + 2.5 * tpl.old_affinity * com.old)
        community[rows] = rng.choice(len(com.ids), size=r, p=_normalise(pull))
        cols = np.array(list(tpl.core), dtype=np.intp)
        base = np.array(list(tpl.core.values()))
        core[np.ix_(rows, cols)] = True
        needs[np.ix_(rows, cols)] = np.clip(
            base + rng.choice([-1, 0, 0, 1], size=(r, len(cols))), 1, 5
        )
        if tpl.extra:
            ecols = np.array(list(tpl.extra), dtype=np.intp)
            n_extra = np.minimum(
                rng.choice(len(shape.extra_needs), size=r, p=shape.extra_needs),
                shape.max_needs - len(cols),
            )
            pick = _gumbel_rank(rng, np.ones((r, len(ecols)))) < n_extra[:, None]
            lv = np.clip(
                np.array(list(tpl.extra.values())) + rng.choice([-1, 0, 1], size=(r, len(ecols))),
                1,
                5,
            )
            needs[np.ix_(rows, ecols)] = np.where(pick, lv, 0)
        title[rows] = rng.integers(0, len(tpl.titles), size=r)
        cert[rows] = np.where(rng.random(r) < tpl.cert_p * shape.demand_certs, tpl.cert, -1)
        priority[rows] = np.clip(tpl.priority + rng.choice([-1, 0, 0, 1], size=r), 1, 5)
        duty[rows] = tpl.duty

    n_req = rng.choice(len(shape.required), size=m, p=shape.required)
    req_rank = _gumbel_rank(rng, np.where(core, 3.0, np.where(needs > 0, 1.0, 0.0)))
    req_mask = (req_rank < n_req[:, None]) & (needs > 0)
    slack = rng.choice([0, 0, 0, 1, 1, 2], size=(m, n_tag))
    requires = np.where(req_mask, np.maximum(needs - slack, 1), 0).astype(np.int8)
    u = rng.random(m)
    if shape.headcount is None:
        headcount = 1 + (u > np.where(duty, 0.45, 0.75)) + (u > np.where(duty, 0.8, 0.94))
    else:
        headcount = 1 + np.searchsorted(np.cumsum(shape.headcount)[:-1], u, side="right")
    cert_cols = np.zeros((m, len(voc.certs)), dtype=bool)
    has = cert >= 0
    cert_cols[np.flatnonzero(has), cert[has]] = True
    return [
        [com.ids[c] for c in community.tolist()],
        [tpls[t].titles[k] for t, k in zip(which.tolist(), title.tolist(), strict=True)],
        _pairs(needs, voc.tags),
        _pairs(requires, voc.tags),
        _flags(cert_cols, voc.certs),
        [str(h) for h in headcount.tolist()],
        [str(p) for p in priority.tolist()],
    ]


def _normalise(w: Floats) -> Floats:
    out: Floats = w / w.sum()
    return out


def _write(path: Path, header: Sequence[str], columns: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*columns, strict=True))
