"""``/v1/messages``: the message catalogue in one language, for readers that render codes.

Why: results and problems carry codes and params (:mod:`matcher.messages`); the
console fills their templates from this one catalogue instead of keeping a second
one in JavaScript. No token is needed (the catalogue is the same for everyone and
holds no data); answers carry an ETag and may be cached for an hour.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.errors import PROBLEM_RESPONSES
from matcher import __version__
from matcher.messages import PARAM_KINDS, SEPARATORS, catalogue

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["messages"], responses={422: PROBLEM_RESPONSES[422]})


class MessagesPublic(BaseModel):
    lang: Literal["en", "zh"]
    messages: dict[str, str] = Field(description="code → template (docs/api.md, 'Messages')")
    params: dict[str, str] = Field(
        description="parameter name → how its values are shown: taxonomy, community, "
        "requirement, edit, or a catalogue prefix ending in '.'"
    )
    separators: dict[str, str] = Field(
        description="'list': between list items; 'clause': between a churn reason's clauses"
    )


@router.get(
    "/messages",
    response_model=MessagesPublic,
    openapi_extra={"security": []},
    responses={304: {"description": "not modified (If-None-Match)"}},
)
def messages(request: Request, lang: Literal["en", "zh"] = "en") -> Response:
    """Every message code's template in ``lang`` (no token needed; cacheable)."""
    body = {
        "lang": lang,
        "messages": catalogue(lang),
        "params": PARAM_KINDS,
        "separators": SEPARATORS[lang],
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    etag = '"' + hashlib.sha256(f"{__version__}\n{text}".encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600", "Vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return JSONResponse(body, headers=headers)
