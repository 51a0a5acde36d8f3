"""The district's service catalogue in the store: kept, checked, audited, migrated to (v5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from matcher import CatalogueError, InputError
from matcher.store import SCHEMA_VERSION, Store
from tests.dispatching import tiny_store
from tests.store.versions import back_to

MINI = """[[categories]]
slug = "safety"
zh = "安全"
en = "Safety"
  [[categories.items]]
  id = "night_watch"
  zh = "夜间巡逻"
  en = "Night watch"
  needs = { "governance.grid_management" = 3 }
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = tiny_store(tmp_path / "s.db")
    yield s
    s.close()


def test_the_bundled_catalogue_until_one_is_stored(store: Store) -> None:
    with store.read() as tx:
        assert tx.district_catalogue_toml("d1") is None
        assert len(tx.catalogue("d1").items) == 32
    with store.write() as tx:
        tx.set_catalogue("d1", MINI)
    with store.read() as tx:
        assert tx.district_catalogue_toml("d1") == MINI
        assert [i.id for i in tx.catalogue("d1").items] == ["night_watch"]
        assert tx.export_files("d1")["catalogue.toml"] == MINI
        (entry,) = [e for e in tx.audit_entries("d1") if e.action == "catalogue.update"]
        assert entry.payload["catalogue_sha256"]


def test_a_bad_catalogue_is_refused_and_nothing_changes(store: Store) -> None:
    with pytest.raises(CatalogueError), store.write() as tx:
        tx.set_catalogue("d1", MINI.replace("grid_management", "grid"))
    with store.read() as tx:
        assert tx.district_catalogue_toml("d1") is None


def test_a_demand_keeps_its_item_and_an_unknown_one_is_refused(store: Store) -> None:
    with store.read() as tx:
        d = tx.case("d1").demands[0]
    with store.write() as tx:
        tx.create_demand("d1", replace(d, id="D9", item="flood_watch"))
    with store.read() as tx:
        assert tx.demand("d1", "D9").item == "flood_watch"
        assert {x.id: x for x in tx.case("d1").demands}["D9"].item == "flood_watch"
    with pytest.raises(InputError) as err, store.write() as tx:
        tx.create_demand("d1", replace(d, id="D10", item="flood_wach"))
    (p,) = err.value.problems
    assert p.code == "problem.unknown_item" and p.hint and "'flood_watch'" in p.hint


def test_migrates_a_version_4_database(tmp_path: Path) -> None:
    """Version 5 adds two nullable columns: a district's catalogue text, a demand's item."""
    db = tmp_path / "v4.db"
    tiny_store(db).close()
    with sqlite3.connect(db) as conn:
        conn.executescript(";".join(back_to(4)))
    store = Store.open(db)
    try:
        with store.read() as tx:
            version = tx.conn.exec_driver_sql("SELECT value FROM meta").scalar()
            assert version == str(SCHEMA_VERSION)
            assert tx.district_catalogue_toml("d1") is None
            assert all(d.item is None for d in tx.case("d1").demands)
        with store.write() as tx:
            tx.set_catalogue("d1", MINI)
        with store.read() as tx:
            assert tx.catalogue("d1").items[0].id == "night_watch"
    finally:
        store.close()


def test_a_folder_brings_its_catalogue_and_export_writes_it_back(tmp_path: Path) -> None:
    from matcher.store import import_folder
    from tests.casefiles import write_case

    folder = write_case(
        tmp_path / "case",
        demands="id,community,title,needs,requires,certs,headcount,priority,item\n"
        "D1,C1,,,,,,,night_watch\n",
    )
    (folder / "catalogue.toml").write_text(MINI, encoding="utf-8")
    s = Store.open(tmp_path / "f.db")
    try:
        import_folder(s, "f", folder)
        with s.read() as tx:
            assert tx.district_catalogue_toml("f") == MINI
            assert tx.demand("f", "D1").item == "night_watch"
            tx.export_case("f", tmp_path / "out")
        assert (tmp_path / "out" / "catalogue.toml").read_text(encoding="utf-8") == MINI
        assert "night_watch" in (tmp_path / "out" / "demands.csv").read_text(encoding="utf-8")
    finally:
        s.close()


def test_migrates_a_version_5_database_to_dated_work(tmp_path: Path) -> None:
    """Version 6 adds dated work's nullable columns: older rows are ongoing, always free."""
    db = tmp_path / "v5.db"
    tiny_store(db).close()
    with sqlite3.connect(db) as conn:
        conn.executescript(";".join(back_to(5)))
    store = Store.open(db)
    try:
        with store.read() as tx:
            case = tx.case("d1")
        assert all(d.start is None and d.hours is None for d in case.demands)
        assert all(c.available is None and c.away is None for c in case.cadres)
    finally:
        store.close()
