"""The service catalogue: the district's (readers read it, admins replace it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.crud import Reading, Writes
from api.deps import IdemKeyDep, StoreDep
from api.errors import PROBLEM_RESPONSES
from api.params import Admin
from api.schemas import CataloguePublic, CatalogueReplace
from matcher import Catalogue
from matcher.store import Tx

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/districts/{district}/catalogue", tags=["catalogue"], responses=PROBLEM_RESPONSES
)


def _public(cat: Catalogue, text: str | None) -> dict[str, object]:
    return {
        "name": cat.name,
        "zh": cat.zh,
        "en": cat.en,
        "source": "district" if text is not None else "none" if not cat.items else "bundled",
        "categories": [
            {
                "slug": c.slug,
                "zh": c.zh,
                "en": c.en,
                "items": [
                    {
                        "id": i.id,
                        "zh": i.zh,
                        "en": i.en,
                        "needs": dict(i.needs),
                        "requires": dict(i.requires),
                        "certs": list(i.certs),
                        "headcount": i.headcount,
                        "priority": i.priority,
                        "hours": i.hours,
                    }
                    for i in (cat.item(x) for x in c.items)
                ],
            }
            for c in cat.categories
        ],
        "toml": text if text is not None else cat.text,
    }


def _read(tx: Tx, district: str) -> dict[str, object]:
    return _public(tx.catalogue(district), tx.district_catalogue_toml(district))


@router.get("", response_model=CataloguePublic)
def get_catalogue(r: Reading) -> JSONResponse:
    """The district's service catalogue: its own, or the bundled 8 categories × 32 items."""
    return r.one(CataloguePublic, lambda tx: _read(tx, r.district))


@router.put("", response_model=CataloguePublic)
def put_catalogue(
    a: Admin, body: CatalogueReplace, store: StoreDep, request: Request, key: IdemKeyDep = None
) -> JSONResponse:
    """Replace the district's catalogue (admins only), checked against its taxonomy: 422
    lists every problem (item, key, line, did you mean). ``toml: null`` goes back to the
    bundled one. Demands keep the item they name; their fields are their own."""
    w = Writes(a, store, request, key)

    def work(tx: Tx) -> dict[str, object]:
        tx.set_catalogue(a.district, body.toml)
        return _read(tx, a.district)

    return w.run(body, CataloguePublic, work)
