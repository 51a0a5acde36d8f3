"""Taxonomy layer: the skill tree and the encoding of profiles into arrays."""

from matcher.tags.encode import (
    MAX_LEVEL,
    MIN_LEVEL,
    effective_levels,
    encode_certs,
    encode_levels,
)
from matcher.tags.taxonomy import (
    Category,
    Certificate,
    Tag,
    Taxonomy,
    default_taxonomy,
    load_taxonomy,
    parse_taxonomy,
)

__all__ = [
    "MAX_LEVEL",
    "MIN_LEVEL",
    "Category",
    "Certificate",
    "Tag",
    "Taxonomy",
    "default_taxonomy",
    "effective_levels",
    "encode_certs",
    "encode_levels",
    "load_taxonomy",
    "parse_taxonomy",
]
