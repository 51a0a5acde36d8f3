"""The skill taxonomy: a root → category → tag tree (Gulou's 6类32项 by default).

Why a tree: related-tag credit. A cadre strong in one tag of a category is partly
useful for its siblings (a property-dispute mediator can help with a neighbour
dispute), so the tree decides which levels count partially toward a need.

Example:
    >>> tax = default_taxonomy()
    >>> len(tax.categories), len(tax.tags)
    (6, 32)
    >>> tax.category_of("urban.elevator_retrofit")
    'urban'
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from matcher.errors import Problem, TaxonomyError
from matcher.paths import DATA_DIR
from matcher.tomlfile import read_toml

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ROOT",
    "Category",
    "Certificate",
    "Tag",
    "Taxonomy",
    "default_taxonomy",
    "load_taxonomy",
    "parse_taxonomy",
]

ROOT = "__root__"
_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_TAXONOMY_PATH = DATA_DIR / "taxonomy" / "gulou.toml"


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    category: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    zh: str
    en: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Certificate:
    slug: str
    zh: str
    en: str


@dataclass(frozen=True)
class Taxonomy:
    """A validated taxonomy. Tag order is file order and fixes array columns."""

    name: str
    categories: tuple[Category, ...]
    tags: tuple[Tag, ...]
    certs: tuple[Certificate, ...]
    source: str = "<memory>"
    _tag_index: dict[str, int] = field(init=False, repr=False, compare=False)
    _cert_index: dict[str, int] = field(init=False, repr=False, compare=False)
    _tag_names: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _cert_names: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tag_index", {t.slug: i for i, t in enumerate(self.tags)})
        object.__setattr__(self, "_cert_index", {c.slug: i for i, c in enumerate(self.certs)})
        object.__setattr__(self, "_tag_names", _by_name(self.tags))
        object.__setattr__(self, "_cert_names", _by_name(self.certs))

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The tree as a graph, built on first use: matching reads the tags' own
        categories, so a proposal never loads networkx."""
        import networkx as nx

        g: nx.DiGraph = nx.DiGraph(name=self.name)
        g.add_node(ROOT, kind="root")
        for cat in self.categories:
            g.add_node(cat.slug, kind="category", zh=cat.zh, en=cat.en)
            g.add_edge(ROOT, cat.slug)
        for tag in self.tags:
            g.add_node(tag.slug, kind="tag", zh=tag.zh, en=tag.en)
            g.add_edge(tag.category, tag.slug)
        return g

    @property
    def tag_slugs(self) -> tuple[str, ...]:
        return tuple(t.slug for t in self.tags)

    @property
    def cert_slugs(self) -> tuple[str, ...]:
        return tuple(c.slug for c in self.certs)

    def has_tag(self, slug: str) -> bool:
        return slug in self._tag_index

    def has_cert(self, slug: str) -> bool:
        return slug in self._cert_index

    def tag_index(self, slug: str) -> int:
        return self._tag_index[slug]

    def cert_index(self, slug: str) -> int:
        return self._cert_index[slug]

    def tag(self, slug: str) -> Tag:
        return self.tags[self._tag_index[slug]]

    def category_of(self, tag_slug: str) -> str:
        """The category a tag hangs under (any other node's parent: from the tree)."""
        if tag_slug in self._tag_index:
            return self.tag(tag_slug).category
        (parent,) = self.graph.predecessors(tag_slug)
        return str(parent)

    def siblings(self, tag_slug: str) -> list[str]:
        """Other tags under the same category, in file order."""
        if tag_slug in self._tag_index:
            cat = self.tag(tag_slug).category
            return [t.slug for t in self.tags if t.category == cat and t.slug != tag_slug]
        cat = self.category_of(tag_slug)
        return [t for t in self.graph.successors(cat) if t != tag_slug]

    def category_index(self) -> npt.NDArray[np.intp]:
        """For each tag column, the index of its category (for vectorised credit)."""
        pos = {c.slug: k for k, c in enumerate(self.categories)}
        return np.array([pos[t.category] for t in self.tags], dtype=np.intp)

    def label(self, slug: str) -> str:
        """Human label ``中文 (slug)`` for a tag, category or cert."""
        if slug in self._tag_index:
            return f"{self.tags[self._tag_index[slug]].zh} ({slug})"
        if slug in self._cert_index:
            return f"{self.certs[self._cert_index[slug]].zh} ({slug})"
        for cat in self.categories:
            if cat.slug == slug:
                return f"{cat.zh} ({slug})"
        return slug

    def tags_named(self, name: str) -> tuple[str, ...]:
        """The slugs of the tags whose Chinese name is ``name`` (offices type names, not
        slugs); more than one when two categories share a name."""
        return self._tag_names.get(name, ())

    def certs_named(self, name: str) -> tuple[str, ...]:
        """The slugs of the certificates whose Chinese name is ``name``."""
        return self._cert_names.get(name, ())

    def suggest_tag(self, slug: str) -> str:
        return _suggest(slug, self.tag_slugs, self._tag_names)

    def suggest_cert(self, slug: str) -> str:
        return _suggest(slug, self.cert_slugs, self._cert_names)


def _by_name(entries: tuple[Tag, ...] | tuple[Certificate, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for e in entries:
        out[e.zh] = (*out.get(e.zh, ()), e.slug)
    return out


def _suggest(
    word: str, vocabulary: tuple[str, ...], names: dict[str, tuple[str, ...]] | None = None
) -> str:
    pool = list(vocabulary)
    # Users often type only the part after the dot; match on that too.
    tails = {v.split(".", 1)[-1]: v for v in vocabulary}
    close = difflib.get_close_matches(word, pool, n=3, cutoff=0.5)
    close += [tails[t] for t in difflib.get_close_matches(word, list(tails), n=3, cutoff=0.6)]
    # … or a Chinese name, perhaps shortened or with a character wrong
    if names:
        for name in difflib.get_close_matches(word, list(names), n=3, cutoff=0.5):
            close += names[name]
    unique = list(dict.fromkeys(close))[:3]
    if unique:
        return "did you mean " + " or ".join(f"'{u}'" for u in unique) + "?"
    return "see the taxonomy for valid slugs: " + ", ".join(pool[:6]) + ", …"


def _text(entry: dict[str, Any], key: str, where: str, problems: list[Problem], file: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(
            Problem(file, f"{where}: '{key}' must be a non-empty string", value=str(value))
        )
        return ""
    return value.strip()


def _slug(
    entry: dict[str, Any],
    where: str,
    seen: set[str],
    kind: str,
    problems: list[Problem],
    file: str,
    prefix: str = "",
) -> str:
    """The entry's slug, checked for form and uniqueness among ``seen``."""
    slug = _text(entry, "slug", where, problems, file)
    if slug and not _SLUG.match(slug):
        hint = "use lowercase a-z, 0-9, _" + (
            " (the category prefix is added for you)" if prefix else ""
        )
        problems.append(Problem(file, f"{where}: bad slug", value=slug, hint=hint))
    full = prefix + slug
    if full in seen:
        problems.append(Problem(file, f"{where}: duplicate {kind} slug", value=full))
    seen.add(full)
    return full


def parse_taxonomy(data: dict[str, Any], source: str = "<memory>") -> Taxonomy:
    """Validate a taxonomy given as parsed TOML; raise with every problem found."""
    problems: list[Problem] = []
    head = data.get("taxonomy", {})
    name = head.get("name", Path(source).stem) if isinstance(head, dict) else Path(source).stem
    raw_cats = data.get("categories")
    if not isinstance(raw_cats, list) or not raw_cats:
        raise TaxonomyError(
            f"{source}: no [[categories]] found; a taxonomy needs at least one category with tags"
        )
    categories: list[Category] = []
    tags: list[Tag] = []
    seen_cats: set[str] = set()
    seen_tags: set[str] = set()
    for k, cat in enumerate(raw_cats, start=1):
        where = f"category #{k}"
        if not isinstance(cat, dict):
            problems.append(Problem(source, f"{where} is not a table"))
            continue
        cslug = _slug(cat, where, seen_cats, "category", problems, source)
        where = f"category '{cslug or k}'"
        czh = _text(cat, "zh", where, problems, source)
        cen = _text(cat, "en", where, problems, source)
        raw_tags = cat.get("tags")
        if not isinstance(raw_tags, list) or not raw_tags:
            problems.append(Problem(source, f"{where} has no tags", hint="add [[categories.tags]]"))
            raw_tags = []
        slugs: list[str] = []
        for t_no, tag in enumerate(raw_tags, start=1):
            twhere = f"{where}, tag #{t_no}"
            if not isinstance(tag, dict):
                problems.append(Problem(source, f"{twhere} is not a table"))
                continue
            full = _slug(tag, twhere, seen_tags, "tag", problems, source, prefix=f"{cslug}.")
            tags.append(
                Tag(
                    full,
                    cslug,
                    _text(tag, "zh", twhere, problems, source),
                    _text(tag, "en", twhere, problems, source),
                )
            )
            slugs.append(full)
        categories.append(Category(cslug, czh, cen, tuple(slugs)))
    certs: list[Certificate] = []
    seen_certs: set[str] = set()
    raw_certs = data.get("certs", [])
    if not isinstance(raw_certs, list):
        problems.append(Problem(source, "'certs' must be an array of tables ([[certs]])"))
        raw_certs = []
    for k, cert in enumerate(raw_certs, start=1):
        where = f"cert #{k}"
        if not isinstance(cert, dict):
            problems.append(Problem(source, f"{where} is not a table"))
            continue
        slug = _slug(cert, where, seen_certs, "cert", problems, source)
        certs.append(
            Certificate(
                slug,
                _text(cert, "zh", where, problems, source),
                _text(cert, "en", where, problems, source),
            )
        )
    if problems:
        raise TaxonomyError(f"taxonomy {source} is not valid", problems)
    return Taxonomy(str(name), tuple(categories), tuple(tags), tuple(certs), source)


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a taxonomy TOML file."""
    return parse_taxonomy(read_toml(path, TaxonomyError, "taxonomy"), str(path))


@cache
def default_taxonomy() -> Taxonomy:
    """The bundled Gulou 6类32项 taxonomy (cached: it never changes at run time)."""
    return load_taxonomy(DEFAULT_TAXONOMY_PATH)
