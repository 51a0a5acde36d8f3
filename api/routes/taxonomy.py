"""The skill taxonomy (read only): the bundled one and each district's."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, StoreDep
from api.errors import PROBLEM_RESPONSES
from api.params import Reader
from api.schemas import TaxonomyPublic
from matcher import Taxonomy, default_taxonomy

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["taxonomy"], responses=PROBLEM_RESPONSES)


def _public(tax: Taxonomy) -> TaxonomyPublic:
    tags = {t.slug: t for t in tax.tags}
    return TaxonomyPublic.model_validate(
        {
            "name": tax.name,
            "categories": [
                {
                    "slug": c.slug,
                    "zh": c.zh,
                    "en": c.en,
                    "tags": [{"slug": s, "zh": tags[s].zh, "en": tags[s].en} for s in c.tags],
                }
                for c in tax.categories
            ],
            "certs": [{"slug": c.slug, "zh": c.zh, "en": c.en} for c in tax.certs],
        }
    )


@router.get("/taxonomy", response_model=TaxonomyPublic)
def default(_: PrincipalDep) -> TaxonomyPublic:
    """The bundled taxonomy (Gulou 6类32项)."""
    return _public(default_taxonomy())


@router.get("/districts/{district}/taxonomy", response_model=TaxonomyPublic)
def of_district(a: Reader, store: StoreDep) -> TaxonomyPublic:
    """The taxonomy a district's skills and needs are written in."""
    with store.read() as tx:
        return _public(tx.taxonomy(a.district))
