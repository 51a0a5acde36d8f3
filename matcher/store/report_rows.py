"""The rows of the district's reports over its history: the lending ledger, the audit
trail and the governance report's figures (typed like every row of
:mod:`matcher.store.rows`, one ``to_json()`` each)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matcher.record import Ledger, Partner
from matcher.store.core import Actor
from matcher.store.rows import StoreRow

__all__ = ["AuditRow", "LedgerRow", "ReportRow"]


def _hours(x: float) -> float:
    return round(x, 2)


def _partners(partners: tuple[Partner, ...]) -> list[dict[str, Any]]:
    return [{"community": p.community, "hours": _hours(p.hours)} for p in partners]


@dataclass(frozen=True)
class LedgerRow(StoreRow):
    """The lending ledger (``matcher.record.Ledger``) as JSON values, hours to 0.01.

    ``communities`` holds one object per community (id, name and its figures);
    ``flows[i][j]``: hours cadres of the i-th community served in the j-th.
    Nothing personal: no cadre is named.
    """

    start: str
    end: str
    dispatches: int
    communities: list[dict[str, Any]]
    flows: list[list[float]]

    @classmethod
    def of(cls, ledger: Ledger, names: dict[str, str]) -> LedgerRow:
        return cls(
            start=ledger.start.isoformat(),
            end=ledger.end.isoformat(),
            dispatches=ledger.dispatches,
            communities=[
                {
                    "id": r.community,
                    "name": names.get(r.community, r.community),
                    "lent": _hours(r.lent),
                    "received": _hours(r.received),
                    "balance": _hours(r.balance),
                    "home": _hours(r.home),
                    "lent_to": _partners(r.lent_to),
                    "received_from": _partners(r.received_from),
                }
                for r in ledger.rows
            ],
            flows=[[_hours(h) for h in row] for row in ledger.flows],
        )


@dataclass(frozen=True)
class AuditRow(StoreRow):
    """One entry of the audit trail (:mod:`matcher.store.audit`): who did what, when, and
    the hashes that chain it to the entry before it."""

    id: int
    seq: int
    district: str | None
    at: str
    actor: Actor
    action: str
    subject: str | None
    payload: Any
    prev_hash: str
    hash: str

    def entry(self) -> dict[str, Any]:
        """The fields the hash covers (``prev_hash`` is prefixed to them, not inside)."""
        return {
            "seq": self.seq,
            "district": self.district,
            "at": self.at,
            "actor": {"token": self.actor.token, "label": self.actor.label},
            "action": self.action,
            "subject": self.subject,
            "payload": self.payload,
        }


@dataclass(frozen=True)
class ReportRow(StoreRow):
    """The governance report's figures over ``[start, end]`` (local days), no cadre named.

    ``by_category`` (service category slug, ``""`` uncategorised) and ``by_community``:
    dispatches ``accepted`` (created) in the period and those ``completed``,
    ``cancelled`` or ``no_show`` (ended) in it, with the ``hours`` of the completed ones;
    ``weeks``: each ISO week's Monday → accepted, completed; ``time_to_fill``: per
    category (and ``"*"`` for all), over the dispatches accepted in the period whose
    demand's creation time is known, their ``count`` and the ``median_hours`` from the
    demand's creation to the dispatch; ``ledger`` is the lending ledger's JSON for the
    period, ``summary`` supply against demand by category now; ``baseline``: the
    manual rule replayed on the period's days (:meth:`matcher.Replay.to_json`);
    ``shortfall``: open slots the best plan leaves empty now, by community and
    category, and training picks (:meth:`matcher.Shortfall.to_json`).
    """

    district: str
    name: str
    start: str
    end: str
    made: str
    by_category: dict[str, dict[str, float]]
    by_community: dict[str, dict[str, float]]
    weeks: dict[str, dict[str, int]]
    time_to_fill: dict[str, dict[str, float]]
    ledger: dict[str, Any]
    summary: dict[str, Any]
    baseline: dict[str, Any]
    shortfall: dict[str, Any]
    categories: dict[str, dict[str, str]]
    communities: dict[str, str]
