"""A case folder into a district, optionally with a generated past: one path for the
CLI's ``import`` and the service's ``--load-sample``.

Why one path: both read the folder's taxonomy and policy texts (kept as written, so
an export gives them back), and both generate the past *before* taking the write
lock, so other writers wait only for the inserts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from matcher import load_case
from matcher.dated import district_zone
from matcher.generate import generate_history
from matcher.io import is_workbook, policy_toml
from matcher.store.core import today
from matcher.store.store import Store

__all__ = ["PAST_MONTHS", "PAST_SEED", "import_folder"]

#: the generated past loaded with a folder: this many months, ending yesterday (in the
#: time zone of the folder's policy)
PAST_MONTHS = 12
#: its seed (fixed: the sample's past is the same on every machine, shifted by the date)
PAST_SEED = 1


def import_folder(
    store: Store,
    district: str,
    folder: Path,
    *,
    name: str | None = None,
    history: bool = False,
    only_into_empty: bool = False,
) -> dict[str, int] | None:
    """Add or update ``folder``'s rows (a case folder or workbook) in ``district``
    (never dropping any); with ``history``, also :data:`PAST_MONTHS` months of generated past.

    Returns the counts written, or None when ``only_into_empty`` and the store
    already holds a district.

    Raises:
        CaseError: the folder does not load; nothing is written.
    """
    if only_into_empty:
        with store.read() as tx:
            if tx.list_districts():
                return None
    case = load_case(folder)
    past = (
        generate_history(
            case,
            seed=PAST_SEED,
            months=PAST_MONTHS,
            as_of=today(district_zone(case.policy.timezone)) - timedelta(days=1),
        )
        if history
        else None
    )
    texts = {
        n: (folder / n).read_text(encoding="utf-8-sig") if (folder / n).is_file() else None
        for n in ("taxonomy.toml", "policy.toml", "catalogue.toml")
    }
    if is_workbook(folder):  # a workbook's policy is its policy sheet, kept as TOML
        texts["policy.toml"] = policy_toml(case.policy)
    with store.write() as tx:
        if only_into_empty and tx.list_districts():
            return None
        stats = tx.import_case(
            district,
            case,
            name=name,
            taxonomy_toml=texts["taxonomy.toml"],
            policy_toml=texts["policy.toml"],
        )
        if texts["catalogue.toml"] is not None:
            tx.set_catalogue(district, texts["catalogue.toml"])
        if past is not None:
            stats |= tx.load_history(district, past)
    return dict(stats)
