"""The request parameters routes share, declared once: who may call, ids in paths, paging.

Why one place: an id's pattern or a page's bounds are part of the HTTP API;
stated per router they drift apart.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query

from api.deps import Access, access
from matcher import ID_MAX_LENGTH, ID_PATTERN

__all__ = [
    "Admin",
    "Auditor",
    "IdFilter",
    "ItemId",
    "Limit",
    "Offset",
    "PreferDep",
    "Proposer",
    "Reader",
    "Reviewer",
    "RowId",
    "Writer",
]

#: the caller, cleared to read, propose or write in the path's district
Reader = Annotated[Access, Depends(access("read"))]
#: the caller, cleared to read proposals, declines and dispatches (supervisors too)
Reviewer = Annotated[Access, Depends(access("review"))]
#: the caller, cleared to read the audit trail (admins and supervisors)
Auditor = Annotated[Access, Depends(access("audit"))]
Proposer = Annotated[Access, Depends(access("propose"))]
Writer = Annotated[Access, Depends(access("write"))]
#: the caller, cleared for an admin's act in the path's district (redeeming points)
Admin = Annotated[Access, Depends(access("admin"))]
#: a community's, cadre's or demand's id in a path (the ids of case files)
ItemId = Annotated[str, Path(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
#: a number the store gave: a proposal's, dispatch's or token's id in a path
RowId = Annotated[int, Path(ge=1, le=2**62)]
#: a cadre's or demand's id as a list filter
IdFilter = Annotated[str | None, Query(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
#: a page of a list
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=10**9)]

#: RFC 7240 ``Prefer``: ``respond-async`` asks for a job (202 + Location) whatever the size
PreferDep = Annotated[
    str | None,
    Header(
        alias="Prefer",
        max_length=1000,
        description="'respond-async': compute as a job (202 + Location) whatever the pool's size",
    ),
]
