"""CSV imports: the file's text in, the rows created and updated out."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.base import LongText, RequestBody

__all__ = ["CsvImport", "ImportResult"]


class CsvImport(RequestBody):
    csv: LongText = Field(description="the file's text, header line first (as in a case folder)")


class ImportResult(BaseModel):
    communities_created: int = 0
    communities_updated: int = 0
    cadres_created: int = 0
    cadres_updated: int = 0
    demands_created: int = 0
    demands_updated: int = 0
