"""API tokens and idempotency records."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row

from matcher import InputError, Problem
from matcher.store import schema as t
from matcher.store.audit import audited
from matcher.store.core import ROLES, TxBase, hash_token, now_iso
from matcher.store.errors import IdempotencyError
from matcher.store.rows import TokenRow


class AuthTx(TxBase):
    """API tokens and idempotent replays."""

    # ---------------------------------------------------------------- tokens
    @audited("token.create", lambda out: out[1].id)
    def create_token(
        self, role: str, districts: Sequence[str] = (), label: str | None = None
    ) -> tuple[str, TokenRow]:
        """A new bearer token: returned once in clear, stored only as its hash."""
        if role not in ROLES:
            raise InputError(
                f"unknown role {role!r}",
                [Problem("role", "unknown role", value=role, hint="one of " + ", ".join(ROLES))],
            )
        if role == "admin" and districts:
            # an admin reads and writes every district (docs/api.md, "Security"): a token
            # listing some would say less than it can do, so the list is refused, not kept
            raise InputError(
                "an admin token covers every district: give it no district",
                [
                    Problem(
                        "districts",
                        "admin covers every district",
                        value=", ".join(districts),
                        code="problem.admin_districts",
                    )
                ],
            )
        if role != "admin" and not districts:
            raise InputError(
                f"a {role} token needs at least one district",
                [Problem("districts", "empty", hint="pass --district ID (repeatable)")],
            )
        for d in districts:
            self._district_row(d)
        token = "mt_" + secrets.token_urlsafe(32)
        tid = self.conn.execute(
            insert(t.tokens).values(
                hash=hash_token(token),
                role=role,
                districts=json.dumps(sorted(set(districts))),
                label=label,
                created_at=now_iso(),
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        return token, self.token(int(tid))

    @staticmethod
    def _token_out(r: Row[Any]) -> TokenRow:
        return TokenRow(
            id=r.id,
            role=r.role,
            districts=json.loads(r.districts),
            label=r.label,
            created_at=r.created_at,
            revoked_at=r.revoked_at,
        )

    def token(self, tid: int) -> TokenRow:
        return self._token_out(self._one(t.tokens, "token", tid, t.tokens.c.id == tid))

    def list_tokens(self) -> list[TokenRow]:
        return [
            self._token_out(r) for r in self.conn.execute(select(t.tokens).order_by(t.tokens.c.id))
        ]

    @audited("token.revoke", "tid")
    def revoke_token(self, tid: int) -> TokenRow:
        self.token(tid)
        self.conn.execute(
            update(t.tokens)
            .where(t.tokens.c.id == tid, t.tokens.c.revoked_at.is_(None))
            .values(revoked_at=now_iso())
        )
        return self.token(tid)

    def token_by_secret(self, token: str) -> TokenRow | None:
        r = self.conn.execute(
            select(t.tokens).where(
                t.tokens.c.hash == hash_token(token), t.tokens.c.revoked_at.is_(None)
            )
        ).first()
        return None if r is None else self._token_out(r)

    # ---------------------------------------------------------------- idempotency
    def idempotent_get(self, token_id: int, key: str, fingerprint: str) -> tuple[int, Any] | None:
        r = self.conn.execute(
            select(t.idempotency).where(
                t.idempotency.c.token_id == token_id, t.idempotency.c.key == key
            )
        ).first()
        if r is None:
            return None
        if r.fingerprint != fingerprint:
            raise IdempotencyError(
                f"Idempotency-Key {key!r} was already used for a different request"
            )
        return int(r.status), json.loads(r.body)

    def idempotent_put(
        self, token_id: int, key: str, fingerprint: str, status: int, body: Any
    ) -> None:
        self.conn.execute(
            insert(t.idempotency).values(
                token_id=token_id,
                key=key,
                fingerprint=fingerprint,
                status=status,
                body=json.dumps(body, ensure_ascii=False),
                created_at=now_iso(),
            )
        )
