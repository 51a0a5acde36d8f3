"""The audit trail: one hash-chained entry per write transaction, and its verification.

Why: every decision on a shared pool must be traceable afterwards, and a log an
operator can quietly edit proves nothing. Each public write method of ``Tx`` is
marked :func:`audited`; the outermost marked call in a transaction names the
entry (what it called in turn is folded into it), and :meth:`AuditTx.flush_audit`
appends that one entry just before the transaction commits, so the entry and the
write commit together or not at all. Entries form one chain per district (and one
for district-less actions: tokens), each ``hash = SHA-256(prev_hash ‖ canonical
entry)``; the chain's head (count and last hash) is kept beside it, so removing
the newest entries shows too. Chaining is race-free: it runs inside the write
transaction, which SQLite's write lock (``BEGIN IMMEDIATE``) serialises.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Row

from matcher.dated import Away, Weekly, format_local
from matcher.store import schema as t
from matcher.store.core import Actor, TxBase, now_iso
from matcher.store.report_rows import AuditRow

__all__ = [
    "GENESIS",
    "AuditBreak",
    "AuditTx",
    "audited",
    "canonical",
    "entry_hash",
    "text_digest",
]

F = TypeVar("F", bound=Callable[..., Any])
#: the previous hash of a chain's first entry
GENESIS = "0" * 64
#: a payload value longer than this (as canonical JSON) is kept as its SHA-256
BIG = 2000


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 text (no ``\\u`` escapes)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev: str, entry: dict[str, Any]) -> str:
    """``SHA-256(prev_hash ‖ canonical(entry))`` as hex: what chains one entry to the last."""
    return hashlib.sha256((prev + canonical(entry)).encode("utf-8")).hexdigest()


def text_digest(text: str | bytes) -> str:
    """The SHA-256 of a file's text (UTF-8), as an import's entry records it."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def _plain(value: Any) -> Any:
    """``value`` as JSON values: dataclasses, enums, dates, tuples, infinities; a weekly
    pattern, days away and a local date-time as the case files write them."""
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Weekly | Away):  # as the case files write them, not their spans
        return str(value)
    if isinstance(value, datetime):
        return format_local(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, date | Path):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _bounded(value: Any) -> Any:
    """A payload value, or its SHA-256 and size when large (a whole file's rows)."""
    text = canonical(value)
    if len(text) <= BIG:
        return value
    return {"sha256": text_digest(text), "chars": len(text)}


def audited(
    action: str,
    subject: str | Callable[[Any], Any] | None = None,
    payload: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Callable[[F], F]:
    """Mark a public write method of ``Tx``: its outermost call names the audit entry.

    ``subject`` names the parameter that says what was acted on (an item's ``id``
    when it is a case item), or picks it from the method's result; the other
    arguments (less ``self``, ``district`` and ``actor``) make the payload, or
    ``payload(arguments)`` does. A nested marked call is folded into the outer one.
    """

    def wrap(fn: F) -> F:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(self: AuditTx, *args: Any, **kwargs: Any) -> Any:
            if self.audit_depth:
                return fn(self, *args, **kwargs)
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            self.audit_depth += 1
            try:
                out = fn(self, *args, **kwargs)
            except BaseException:
                self.audit_then = []  # nothing of a failed call is noted
                raise
            finally:
                self.audit_depth -= 1
            arguments = dict(bound.arguments)
            if callable(subject):
                what = subject(out)
            else:
                what = None if subject is None else arguments.get(subject)
                what = getattr(what, "id", what)
            arguments.pop("self", None)
            district = arguments.pop("district", None)
            actor = arguments.pop("actor", None)
            body = payload(arguments) if payload is not None else arguments
            self.note(action, district, what, body, actor)
            return out

        return inner  # type: ignore[return-value]

    return wrap


@dataclasses.dataclass(frozen=True)
class AuditBreak:
    """Where a chain stops verifying: the entry (its chain and position) and why."""

    district: str | None
    seq: int
    kind: str  # changed | removed | inserted
    entry: int | None = None  # the row id, when a row is there


class AuditTx(TxBase):
    """Collect the transaction's audit entry, append it, list and verify the chain."""

    def note(
        self,
        action: str,
        district: str | None,
        subject: Any,
        payload: dict[str, Any],
        actor: Any = None,
    ) -> None:
        """Record what this transaction did: the first action names the entry, later
        ones (two calls in one request) are listed in its payload under ``then``. One
        noted inside a running audited call (a cascade it set off) is listed under
        ``then`` of that call's entry, which is noted when the call returns."""
        body = {k: _bounded(_plain(v)) for k, v in payload.items()}
        subject_text = None if subject is None else str(_plain(subject))
        if self.audit_entry is None and self.audit_depth:
            self.audit_then.append({"action": action, "subject": subject_text})
            return
        if self.audit_entry is None:
            if actor is not None and getattr(actor, "token", None) is not None:
                self.actor = actor
            if self.audit_then:
                body["then"] = self.audit_then
                self.audit_then = []
            self.audit_entry = {
                "district": district,
                "action": action,
                "subject": subject_text,
                "payload": body,
            }
            return
        then = self.audit_entry["payload"].setdefault("then", [])
        then.append({"action": action, "subject": subject_text})

    @contextmanager
    def auditing(
        self, action: str, district: str | None, subject: str | None, payload: dict[str, Any]
    ) -> Iterator[None]:
        """One entry for a write made of several store calls (an import): they fold into it."""
        self.note(action, district, subject, payload)
        self.audit_depth += 1
        try:
            yield
        finally:
            self.audit_depth -= 1

    def flush_audit(self) -> None:
        """Append the transaction's entry (if it wrote anything) to its district's chain."""
        e = self.audit_entry
        if e is None:
            return
        self.audit_entry = None
        chain = e["district"] or ""
        head = self.conn.execute(
            select(t.audit_heads).where(t.audit_heads.c.chain == chain)
        ).first()
        seq, prev = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
        entry = {
            "seq": seq,
            "district": e["district"],
            "at": now_iso(),
            "actor": {"token": self.actor.token, "label": self.actor.label},
            "action": e["action"],
            "subject": e["subject"],
            "payload": e["payload"],
        }
        digest = entry_hash(prev, entry)
        self.conn.execute(
            insert(t.audit).values(
                chain=chain,
                seq=seq,
                district=e["district"],
                at=entry["at"],
                actor_token=self.actor.token,
                actor_label=self.actor.label,
                action=e["action"],
                subject=e["subject"],
                payload=canonical(e["payload"]),
                prev_hash=prev,
                hash=digest,
            )
        )
        self.audit_written = (chain, seq)
        if head is None:
            self.conn.execute(insert(t.audit_heads).values(chain=chain, seq=seq, hash=digest))
        else:
            self.conn.execute(
                update(t.audit_heads)
                .where(t.audit_heads.c.chain == chain)
                .values(seq=seq, hash=digest)
            )

    # ---------------------------------------------------------------- reading
    def district_version(self, district: str) -> int:
        """The district's version: how many write transactions changed it (its audit
        chain's length), whoever made them. 0 before its first audited write."""
        seq = self.conn.execute(
            select(t.audit_heads.c.seq).where(t.audit_heads.c.chain == district)
        ).scalar()
        return 0 if seq is None else int(seq)

    def list_audit(
        self,
        district: str | None,
        *,
        action: str | None = None,
        actor: int | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[AuditRow], int]:
        """A page of a chain's entries, oldest first, filtered by action, actor and time."""
        c = t.audit.c
        where = [c.chain == (district or "")]
        if action is not None:
            where.append(c.action == action)
        if actor is not None:
            where.append(c.actor_token == actor)
        if since is not None:
            where.append(c.at >= since)
        if until is not None:
            where.append(c.at <= until)
        rows, total = self._page(t.audit, and_(*where), (c.seq, c.id), limit, offset)
        return [audit_row(r) for r in rows], total

    def audit_chains(self) -> list[str]:
        """Every chain's key (a district id; ``""`` for the district-less chain)."""
        found = self.conn.execute(select(t.audit.c.chain).distinct()).scalars()
        heads = self.conn.execute(select(t.audit_heads.c.chain)).scalars()
        return sorted(set(found) | set(heads))

    def audit_entries(self, chain: str) -> list[AuditRow]:
        q = select(t.audit).where(t.audit.c.chain == chain).order_by(t.audit.c.seq, t.audit.c.id)
        return [audit_row(r) for r in self.conn.execute(q)]

    def verify_audit(self, district: str | None = None) -> AuditBreak | None:
        """The first entry that does not verify (changed, removed or inserted), or None."""
        chains = [district or ""] if district is not None else self.audit_chains()
        for chain in chains:
            found = self._verify_chain(chain)
            if found is not None:
                return found
        return None

    def _verify_chain(self, chain: str) -> AuditBreak | None:
        district = chain or None
        prev, seq = GENESIS, 0
        for row in self.audit_entries(chain):
            seq += 1
            if row.seq < seq:
                return AuditBreak(district, row.seq, "inserted", row.id)
            if row.seq > seq:
                return AuditBreak(district, seq, "removed", row.id)
            if row.hash != entry_hash(row.prev_hash, row.entry()):
                return AuditBreak(district, seq, "changed", row.id)
            if row.prev_hash != prev:
                return AuditBreak(district, seq, "inserted", row.id)
            prev = row.hash
        head = self.conn.execute(
            select(t.audit_heads).where(t.audit_heads.c.chain == chain)
        ).first()
        if head is None and seq == 0:
            return None
        if head is None or head.seq != seq or head.hash != prev:
            last = 0 if head is None else int(head.seq)
            if last > seq:
                return AuditBreak(district, seq + 1, "removed")
            return AuditBreak(district, last + 1, "inserted")
        return None


def audit_row(r: Row[Any]) -> AuditRow:
    return AuditRow(
        id=r.id,
        seq=r.seq,
        district=r.district,
        at=r.at,
        actor=Actor(r.actor_token, r.actor_label),
        action=r.action,
        subject=r.subject,
        payload=_payload(r.payload),
        prev_hash=r.prev_hash,
        hash=r.hash,
    )


def _payload(text: str) -> Any:
    """A stored payload; text that is no longer JSON stays text (and fails its hash)."""
    try:
        return json.loads(text)
    except ValueError:
        return text
