"""docs/catalogue.md explains every item of the bundled catalogue with its real profile."""

from __future__ import annotations

from matcher.catalogue import default_catalogue
from tests.paths import ROOT


def test_the_doc_lists_every_item_with_its_tags() -> None:
    doc = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    rows = {
        line.split("`")[1]: line
        for line in doc.splitlines()
        if line.startswith("| ") and "<br>`" in line
    }
    cat = default_catalogue()
    assert set(rows) == {i.id for i in cat.items}
    for item in cat.items:
        cells = rows[item.id].split(" | ")
        for tag, level in item.needs.items():
            assert f"`{tag}` {level}" in cells[1], (item.id, tag)
        for tag, level in item.requires.items():
            assert f"`{tag}` {level}" in cells[2], (item.id, tag)
        assert all(f"`{c}`" in cells[3] for c in item.certs)
        assert cells[4:6] == [str(item.headcount), str(item.priority)]
