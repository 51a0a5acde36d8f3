"""Persistence: a district's pool, proposals, declines and dispatches in SQL.

SQLite by default (WAL, foreign keys on, ``BEGIN IMMEDIATE`` for writes); the
SQL is SQLAlchemy Core so that a PostgreSQL URL works with the same code. The
store knows matcher's domain but nothing of HTTP.
"""

from matcher.store.errors import ConflictError, IdempotencyError, NotFoundError, StoreError
from matcher.store.schema import SCHEMA_VERSION
from matcher.store.store import ROLES, Actor, Basis, Snapshot, Store, Tx, hash_token

__all__ = [
    "ROLES",
    "SCHEMA_VERSION",
    "Actor",
    "Basis",
    "ConflictError",
    "IdempotencyError",
    "NotFoundError",
    "Snapshot",
    "Store",
    "StoreError",
    "Tx",
    "hash_token",
]
