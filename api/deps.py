"""Typed dependencies: the store, the caller (bearer token), district scope, idempotency.

Scope rule: a token that does not cover a district sees it as nonexistent (404,
never 403, so existence is not leaked); within its districts, a role lacking
the action gets 403.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Header, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.errors import PROBLEM, Forbidden, Unauthorized, problem_body
from api.jobs import JobManager
from api.schemas import ID_PATTERN, MASK
from matcher import DISTRICT_ID_MAX_LENGTH, MatcherError, SolverError
from matcher.store import (
    Actor,
    CadreRow,
    DispatchRow,
    IdempotencyError,
    NotFoundError,
    PoolChanged,
    Store,
    StoreRow,
    Tx,
)

__all__ = [
    "Access",
    "Action",
    "AdminDep",
    "IdemKeyDep",
    "JobsDep",
    "PrincipalDep",
    "StoreDep",
    "access",
    "drafts",
    "mask_cadre",
    "mask_dispatch",
    "mask_note",
    "plain",
    "recorded_failures",
    "respond",
    "run_write",
]

log = logging.getLogger("matcher.api")
R = TypeVar("R", bound=StoreRow)

Action = Literal["read", "review", "audit", "propose", "write", "admin"]
#: ``review``: read proposals, declines and dispatches (and the district itself);
#: ``audit``: read the audit trail. A supervisor (the oversight committee) may only
#: review and audit its districts: every write answers it 403.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "review", "audit", "propose", "write", "admin"}),
    "dispatcher": frozenset({"read", "review", "propose", "write"}),
    "planner": frozenset({"read", "review", "propose"}),
    "analyst": frozenset({"read", "review"}),
    "supervisor": frozenset({"review", "audit"}),
}


def drafts(role: str) -> bool:
    """Whether ``role``'s proposals are drafts: it may propose but not accept (a planner).

    Why: such a caller proposes to look at what the engine would propose now, and
    nobody with that role could decide the result; superseding the dispatcher's pending
    pairs with it would throw their work away (:mod:`matcher.store.lifecycle`).
    """
    actions = ROLE_ACTIONS.get(role, frozenset())
    return "propose" in actions and "write" not in actions


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_jobs(request: Request) -> JobManager:
    jobs: JobManager = request.app.state.jobs
    return jobs


JobsDep = Annotated[JobManager, Depends(get_jobs)]


@dataclass(frozen=True)
class Principal:
    token_id: int
    role: str
    districts: tuple[str, ...]
    label: str | None = None

    @property
    def actor(self) -> Actor:
        """Who acts, as the store records it on proposals, declines and dispatches."""
        return Actor(self.token_id, self.label)

    def sees(self, district: str) -> bool:
        return self.role == "admin" or district in self.districts

    def may(self, action: str) -> bool:
        return action in ROLE_ACTIONS.get(self.role, frozenset())

    @property
    def masked(self) -> bool:
        return self.role == "analyst"

    @property
    def drafts(self) -> bool:
        """Whether this caller's proposals are drafts (:func:`drafts`)."""
        return drafts(self.role)


def get_principal(
    request: Request,
    store: StoreDep,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    """The caller, looked up once per request: an ``.xlsx`` import looks before it opens
    the workbook (:class:`api.imports.XlsxImport`) and leaves the answer here."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        return known
    return principal_of(store, authorization)


def principal_of(store: Store, authorization: str | None) -> Principal:
    """The token's principal from an ``Authorization`` header (401 when it names none)."""
    if not authorization:
        raise Unauthorized(
            "send 'Authorization: Bearer <token>' (create one: matcher token create)"
        )
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    with store.read() as tx:
        row = tx.token_by_secret(token.strip())
    if row is None:
        raise Unauthorized("unknown or revoked token")
    return Principal(row.id, row.role, tuple(row.districts), row.label)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(p: PrincipalDep) -> Principal:
    if not p.may("admin"):
        raise Forbidden(f"role {p.role!r} cannot manage tokens or districts")
    return p


AdminDep = Annotated[Principal, Depends(require_admin)]

DistrictPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=DISTRICT_ID_MAX_LENGTH,
        pattern=ID_PATTERN,
        description="district id",
    ),
]


@dataclass(frozen=True)
class Access:
    """The caller, cleared for one district and one action."""

    principal: Principal
    district: str

    @property
    def masked(self) -> bool:
        return self.principal.masked


def access(action: Action) -> Callable[..., Access]:
    """Dependency factory: the caller may do ``action`` in the path's district."""

    def dep(district: DistrictPath, p: PrincipalDep) -> Access:
        if not p.sees(district):
            raise NotFoundError("district", district)
        if not p.may(action):
            raise Forbidden(f"role {p.role!r} cannot {action} in this district")
        return Access(p, district)

    return dep


IdemKeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="retrying with the same key returns the first result, never repeats the write",
    ),
]


def respond(model: type[BaseModel], data: Any, status: int = 200) -> JSONResponse:
    """Validate ``data`` (a store row, or a dict of rows) against the documented model and
    send it as JSON."""
    return JSONResponse(
        model.model_validate(plain(data)).model_dump(mode="json"), status_code=status
    )


def plain(data: Any) -> Any:
    """``data`` as JSON values: a store row as its JSON, a dict's rows (or lists of rows) too.

    Two levels and no further: the envelopes routes build (``{"data": rows, …}``)
    hold rows, and a row turns itself into JSON.
    """
    if isinstance(data, StoreRow):
        return data.to_json()
    if isinstance(data, dict):
        return {k: _plain_rows(v) for k, v in data.items()}
    return data


def _plain_rows(value: Any) -> Any:
    if isinstance(value, StoreRow):
        return value.to_json()
    if isinstance(value, list):
        return [x.to_json() if isinstance(x, StoreRow) else x for x in value]
    return value


def fingerprint(request: Request, body: BaseModel | None) -> str:
    text = request.method + " " + request.url.path + "\n"
    if body is not None:
        text += body.model_dump_json()
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def run_write(
    store: Store,
    principal: Principal,
    key: str | None,
    request: Request,
    body: BaseModel | None,
    model: type[BaseModel],
    work: Callable[[Tx], Any],
    status: int = 200,
    redact: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> JSONResponse:
    """Run ``work`` in one write transaction, honouring an Idempotency-Key.

    The stored response and the write commit together, so a retry after a
    crash or a lost response either finds both or neither. ``redact`` shapes the
    stored copy (a new token's secret is never stored, not even for replay).
    A refusal (4xx) is recorded too, after its transaction rolled back: see
    :func:`recorded_failures`.
    """
    fp = fingerprint(request, body)
    with (
        recorded_failures(store, principal, key, request, body),
        store.write(principal.actor) as tx,
    ):
        if key is not None:
            found = tx.idempotent_get(principal.token_id, key, fp)
            if found is not None:
                return _replayed(found)
        data = model.model_validate(plain(work(tx))).model_dump(mode="json")
        if key is not None:
            stored = redact(data) if redact is not None else data
            tx.idempotent_put(principal.token_id, key, fp, status, stored)
    return JSONResponse(data, status_code=status)


@contextmanager
def recorded_failures(
    store: Store, principal: Principal, key: str | None, request: Request, body: BaseModel | None
) -> Iterator[None]:
    """Record a refused request's answer with its Idempotency-Key, then let the error go on.

    Why: a key names one attempt at one request. Had a first attempt's 409 or
    422 left the key free, a retry with the same key could later succeed and do
    something the caller never saw proposed; now it replays the refusal, and the
    caller sends a new key to try again. Only answers from the store or engine
    that retrying cannot change are kept (4xx); 5xx and 503 stay retryable.
    The record is its own short transaction, after the failed one rolled back.
    """
    try:
        yield
    except MatcherError as exc:
        retryable = (IdempotencyError, SolverError, PoolChanged)
        if key is not None and not isinstance(exc, retryable):
            _remember(store, principal.token_id, key, fingerprint(request, body), exc)
        raise


def _remember(store: Store, token_id: int, key: str, fp: str, exc: MatcherError) -> None:
    problem = problem_body(exc)
    if not 400 <= int(problem["status"]) < 500:
        return
    try:
        with store.write() as tx:
            if tx.idempotent_get(token_id, key, fp) is None:  # a concurrent retry may have won
                tx.idempotent_put(token_id, key, fp, int(problem["status"]), problem)
    except Exception:  # the refusal itself must still reach the caller
        log.warning("could not record the refused request's Idempotency-Key", exc_info=True)


def _replayed(found: tuple[int, Any]) -> JSONResponse:
    """A stored answer, sent again as it was (a refusal stays a problem document)."""
    status, data = found
    media = PROBLEM if status >= 400 else None
    return JSONResponse(
        data, status_code=status, media_type=media, headers={"Idempotent-Replay": "true"}
    )


def replay(
    store: Store, principal: Principal, key: str | None, request: Request, body: BaseModel | None
) -> JSONResponse | None:
    """A stored response for this key, if any (checked before costly work)."""
    if key is None:
        return None
    with store.read() as tx:
        found = tx.idempotent_get(principal.token_id, key, fingerprint(request, body))
    return None if found is None else _replayed(found)


def mask_cadre(row: CadreRow, masked: bool) -> CadreRow:
    """A cadre's name hidden from analysts (personal data)."""
    return replace(row, name=MASK) if masked else row


def mask_note(row: R, masked: bool, field: str = "note") -> R:
    """Free text (a dispatch's note, a decline's reason) hidden from analysts, if any."""
    if not masked or getattr(row, field) is None:
        return row
    return replace(row, **{field: MASK})


def mask_dispatch(row: DispatchRow, masked: bool) -> DispatchRow:
    """A dispatch's free text (its note and its exemption's reason) hidden from analysts:
    one function for every route that shows dispatches."""
    return mask_note(mask_note(row, masked), masked, "exempt_reason")


class SolveGate:
    """Bounds how many proposals are computed at once (each runs in a worker thread)."""

    def __init__(self, n: int) -> None:
        self.sem = threading.BoundedSemaphore(n)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
