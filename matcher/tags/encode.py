"""Skill profiles as arrays over the taxonomy's tag columns.

The hot path never sees strings: a profile ``{"urban.elevator_retrofit": 3}``
becomes row ``k`` of a float array with 3.0 in that tag's column. Related-tag
credit is applied here, once, as an *effective level*.

Example:
    >>> from matcher.tags.taxonomy import default_taxonomy
    >>> tax = default_taxonomy()
    >>> levels = encode_levels([{"urban.elevator_retrofit": 4}], tax)
    >>> eff = effective_levels(levels, tax, related_credit=0.5)
    >>> float(eff[0, tax.tag_index("urban.elevator_retrofit")])
    4.0
    >>> sib = tax.siblings("urban.elevator_retrofit")[0]
    >>> float(eff[0, tax.tag_index(sib)])
    2.0
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from matcher.tags.taxonomy import Taxonomy

__all__ = ["MAX_LEVEL", "MIN_LEVEL", "effective_levels", "encode_certs", "encode_levels"]

MIN_LEVEL = 1
MAX_LEVEL = 5


def encode_levels(
    profiles: Sequence[Mapping[str, int]], taxonomy: Taxonomy
) -> npt.NDArray[np.float64]:
    """Dense ``(len(profiles), n_tags)`` array of levels; 0 where a tag is absent."""
    out = np.zeros((len(profiles), len(taxonomy.tags)), dtype=np.float64)
    # one write at the end, from flat lists (a city has 100,000 tags): a loop
    # appending three lists per tag was most of a district's encoding
    sizes = np.fromiter(map(len, profiles), dtype=np.intp, count=len(profiles))
    index = taxonomy.tag_index
    tags = [index(slug) for profile in profiles for slug in profile]
    levels = [level for profile in profiles for level in profile.values()]
    out[np.repeat(np.arange(len(profiles)), sizes), tags] = levels
    return out


def encode_certs(holdings: Sequence[Sequence[str]], taxonomy: Taxonomy) -> npt.NDArray[np.bool_]:
    """Boolean ``(len(holdings), n_certs)`` array: who holds (or needs) which cert."""
    out = np.zeros((len(holdings), len(taxonomy.certs)), dtype=np.bool_)
    for row, certs in enumerate(holdings):
        for slug in certs:
            out[row, taxonomy.cert_index(slug)] = True
    return out


def effective_levels(
    levels: npt.NDArray[np.float64], taxonomy: Taxonomy, related_credit: float
) -> npt.NDArray[np.float64]:
    """Own level, or ``related_credit`` × the best sibling level, whichever is higher.

    Siblings are the other tags of the same category in the taxonomy tree; a
    tag never credits itself, so a cadre with one tag in a category gets no
    extra credit on that tag.
    """
    if related_credit <= 0 or levels.shape[0] == 0:
        return levels.copy()
    cat = taxonomy.category_index()
    eff = levels.copy()
    for c in np.unique(cat):
        cols = np.flatnonzero(cat == c)
        if cols.size < 2:
            continue
        block = levels[:, cols]
        # best and second-best per row, so each column can exclude itself
        order = np.sort(block, axis=1)
        best, second = order[:, -1], order[:, -2]
        sib_best = np.where(block == best[:, None], second[:, None], best[:, None])
        eff[:, cols] = np.maximum(block, related_credit * sib_best)
    return eff
