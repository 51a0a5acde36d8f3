"""Messages as data: one catalogue, both languages, English texts equal to their codes' renderings.

The engine's messages are taken from real runs on the sample district (a proposal
with its smallest fixes, the flood-season what-if with churn and fixes); the codes
only raised elsewhere (errors, 409 changes, CLI texts) have example params below,
and every catalogue entry must be rendered by one or the other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher import Case, Proposal, load_case
from matcher.messages import (
    CATALOGUE,
    PARAM_KINDS,
    SPECS,
    Labels,
    Message,
    fields,
    labels_for,
    lang_from_env,
    msg,
    render,
    required,
)
from matcher.whatif import compare, load_scenario, unfilled_counterfactuals
from matcher.whatif.scenario import apply_scenario
from tests.paths import ROOT
from tests.text import allowed_words, latin_words

#: params of the codes an engine run on the sample does not produce (as their raise sites
#: produce them: store/errors.py, api/errors.py, matcher/cli/, problemcodes.py)
EXAMPLES: dict[str, dict[str, object]] = {
    "solver.child_lost": {"exit": -9},
    "cli.sim_title": {"days": 90, "orders": 6097, "slots": 8647},
    "unfilled.withdrawn": {"count": 2, "only": 1},
    "unfilled.on_leave": {"count": 1},
    "unfilled.unavailable": {
        "count": 4,
        "window": "2026-12-08 18:00–22:00",
        "only": 2,
        "free": "mon-fri 18:00-21:30; sat,sun 08:00-18:00",
    },
    "unfilled.away": {"count": 1, "window": "2026-12-08 18:00–22:00"},
    "unfilled.weak": {"count": 3},
    "unfilled.load_cost": {"count": 2},
    "unfilled.lending": {"count": 2},
    "unfilled.week_full": {"count": 2, "window": "2026-12-08 18:00–22:00"},
    "cli.empty_case": {"files": ["cadres.csv", "demands.csv"]},
    "horizon.reversed": {"first": "2026-12-13", "last": "2026-12-07"},
    "fix.move_to": {
        "demand": "D0101",
        "time": "19:00",
        "window": "2026-12-08 19:00–21:00",
        "count": 3,
        "fill": 2,
        "slots": 2,
        "filled": 1,
    },
    "cli.move_header": {"first": "06:00", "last": "22:00"},
    "cli.move_none": {"first": "06:00", "last": "22:00"},
    "cli.no_moves": {"why": "改期推演尚不支持借调规则"},
    "cli.no_fixes": {"why": "推演定价尚不支持负荷成本"},
    "fix.dated_unpriced": {"count": 12, "demands": ["S1", "S2"], "more": 10},
    "horizon.too_long": {"first": "2026-12-01", "last": "2027-05-31", "days": 182, "max": 62},
    "cli.calendar_suffix": {"path": "cal.txt"},
    "conflict.import_taxonomy_changed": {"district": "d1", "file": "cadres.csv"},
    "conflict.import_timezone_changed": {"district": "d1", "file": "demands.csv"},
    "conflict.import_communities_gone": {"count": 2, "district": "d1", "file": "cadres.csv"},
    "cli.parent_not_folder": {"path": "a.csv/cal.csv", "folder": "a.csv", "flag": "--calendar"},
    "unfilled.busy_then": {
        "count": 9,
        "window": "2026-12-08 18:00–22:00",
        "demands": ["D0101", "D0102"],
        "more": 2,
        "ongoing": 3,
    },
    "problem.milp_too_big": {"pairs": 5000000, "most": 4000000},
    "problem.lending_unknown_community": {"community": "C999"},
    "fix.level_without": {
        "name": "张三",
        "cadre": "P1",
        "tag": "first_aid",
        "level": 0,
        "instead": 1,
    },
    "churn.demand_removed": {"left": "D1", "demand": "D1", "edits": ["1:scale_demand"]},
    "churn.now_fails": {"cadre": "P1", "rules": ["certs", "status"], "demand": "D1"},
    "churn.score_changed": {"took": "D2", "demand": "D2", "before": 1.5, "after": 2.25},
    "churn.headcount_cut": {"demand": "D1", "before": 2, "after": 1, "edits": ["1:scale_demand"]},
    "churn.worth_elsewhere": {"cadre": "P1"},
    "churn.new_cadre": {"edits": ["1:add_cadres"]},
    "churn.new_demand": {"demand": "N1", "edits": ["2:add_demands"]},
    "churn.freed": {"cadre": "P1", "demand": "D1"},
    "item.edit": {"n": "1", "edit_kind": "train"},
    "change.already_pending": {"cadre": "P1", "demand": "D1"},
    "change.already_accepted": {"cadre": "P1", "demand": "D1"},
    "change.already_rejected": {"cadre": "P1", "demand": "D1"},
    "change.already_superseded": {"cadre": "P1", "demand": "D1"},
    "change.already_active": {"dispatch": 3},
    "change.already_completed": {"dispatch": 3},
    "change.already_cancelled": {"dispatch": 3},
    "change.already_no_show": {"dispatch": 3},
    "change.cadre_removed": {"cadre": "P1"},
    "change.cadre_changed": {"cadre": "P1"},
    "change.capacity_used": {"cadre": "P1", "capacity": 1, "active_dispatches": 1, "requested": 1},
    "change.demand_removed": {"demand": "D1"},
    "change.demand_closed": {"demand": "D1"},
    "change.demand_changed": {"demand": "D1"},
    "change.headcount_filled": {"demand": "D1", "headcount": 2, "filled": 1, "requested": 2},
    "change.pair_declined": {"cadre": "P1", "demand": "D1"},
    "change.already_dispatched": {"cadre": "P1", "demand": "D1"},
    "change.superseded": {"proposal": 4},
    "change.cadre_unavailable": {"cadre": "P1", "until": "2026-12-01"},
    "change.pin_declined": {"cadre": "P1", "demand": "D1"},
    "change.illegal_transition": {"dispatch": "7", "current": "completed", "action": "cancel"},
    "change.active_dispatch": {"dispatch": 7, "demand": "D1"},
    "change.nothing_pending": {"proposal": 3},
    "change.draft": {"proposal": 7},
    "change.id_used": {"demand": "D1"},
    "change.served_twice": {"demand": "D1"},
    "change.pool_changed": {},
    "conflict.id_used": {"id": "D1"},
    "conflict.served_twice": {"id": "D1"},
    "conflict.version_changed": {"kind": "cadre", "id": "P1", "current": 3, "sent": 2},
    "problem.id_mismatch": {"kind": "cadre", "id": "P1"},
    "conflict.filled_below": {"id": "D1", "count": 2},
    "conflict.draft": {"id": 7},
    "conflict.red_with_active": {"id": "P1", "count": 1},
    "cli.record_title": {"cadre": "P1", "name": "张三", "as_of": "2026-06-30"},
    "cli.record_no_shows": {"days": 90},
    "cli.record_hours": {"days": 90},
    "cli.warnings_new": {"count": 2},
    "cli.warnings_decided": {"id": 3, "state": "已确认"},
    "cli.trainings_imported": {"count": 2},
    "conflict.warning_stale": {"id": 3, "cadre": "P1", "from": "green", "status": "red"},
    "conflict.demand_has_active": {"id": "D1", "count": 2},
    "state.illegal_transition": {
        "kind": "dispatch",
        "id": "7",
        "current": "completed",
        "action": "cancel",
    },
    "not_found": {"kind": "widget", "id": "W1"},
    **{
        f"not_found.{k}": {"kind": k, "id": "X1"}
        for k in (
            "district",
            "community",
            "cadre",
            "demand",
            "proposal",
            "dispatch",
            "token",
            "job",
        )
    },
    "conflict.exists": {"kind": "cadre", "id": "P1"},
    "conflict.below_active": {"kind": "cadre", "id": "P1", "count": 2, "field": "capacity"},
    "conflict.held_at_once": {"cadre": "P1", "count": 2, "capacity": 1, "row": 3},
    "conflict.week_hours": {"cadre": "P1", "week": "2026-W50", "hours": 25.5, "limit": 20},
    "conflict.has_active": {"kind": "demand", "id": "D1"},
    "conflict.taxonomy_differs": {"id": "gulou"},
    "conflict.dispatch_closed": {"id": 5, "status": "completed"},
    "conflict.job_finished": {"id": "ab12", "status": "done"},
    "conflict.job_not_retryable": {"id": "ab12", "status": "running"},
    "input.validation": {"count": 2},
    "http.error": {"status": 418},
    "field.string_too_short": {"min_length": 1},
    "field.string_too_long": {"max_length": 200},
    "field.too_short": {"min_length": 1},
    "field.too_long": {"max_length": 200},
    "field.greater_than_equal": {"ge": 0},
    "field.greater_than": {"gt": 0},
    "field.less_than_equal": {"le": 5},
    "field.less_than": {"lt": 5},
    "field.literal_error": {"expected": ["green", "yellow", "red"]},
    "field.enum": {"expected": ["admin", "dispatcher"]},
    "problem.field_count": {"got": 3, "want": 9},
    "problem.not_tag_level": {"item": "emergency.first_aid"},
    "problem.level_not_int": {"level": "高", "tag": "emergency.first_aid"},
    "problem.level_range": {"level": 9, "tag": "emergency.first_aid", "min": 1, "max": 5},
    "problem.hours_range": {"max": 24},
    "problem.ended_before_start": {"started": "2026-12-01"},
    "problem.not_started": {"start": "2026-12-08T19:30"},
    "problem.toml_syntax": {
        "line": 2,
        "column": 8,
        "detail": "Expected ']]' at the end of an array declaration",
        "toml_reason": "expected_array_end",
    },
    "problem.toml_invalid": {"detail": "Invalid value", "toml_reason": "invalid_value"},
    "problem.unknown_id": {"id": "P9999"},
    "cli.report_days_gain": {"count": 1, "gain": "+3.2%"},
    "problem.unknown_category": {"name": "emergency_1"},
    "problem.start_past": {"start": "2020-01-01T09:00", "now": "2026-12-07T15:10"},
    "cli.audit_ok": {"count": 12, "chains": 2},
    "cli.audit_changed": {"seq": 3, "chain": "gulou"},
    "cli.audit_removed": {"seq": 3, "chain": "gulou"},
    "cli.audit_inserted": {"seq": 3, "chain": "gulou"},
    "cli.audit_exported": {"count": 12, "path": "audit.jsonl"},
    "problem.unknown_tag": {"tag": "emergency.first_ad"},
    "problem.not_utf8_or_gb18030": {},
    "problem.not_encoding": {"encoding": "gbk"},
    "problem.unknown_encoding": {"encoding": "klingon"},
    "hint.save_excel_utf8": {},
    "problem.not_xlsx": {},
    "problem.sheet_gap": {"most": 1000},
    "problem.sheet_missing": {},
    "problem.sheet_empty": {},
    "problem.key_twice": {"row": 3},
    "problem.sheet_too_large": {"limit": 10485760},
    "hint.save_xlsx": {},
    "cli.xlsx_suffix": {"path": "plan.xls"},
    "cli.export_xlsx_custom": {"district": "gulou", "files": ["taxonomy.toml", "catalogue.toml"]},
    "hint.case_sheets": {"sheets": ["communities", "cadres", "demands"]},
    "hint.add_community_sheet": {"sheet": "communities"},
    "problem.tag_name_ambiguous": {
        "name": "调解",
        "tags": ["governance.property_dispute_mediation", "governance.neighbourhood_mediation"],
    },
    "problem.cert_name_ambiguous": {"name": "救护员", "certs": ["red_cross_first_aider"]},
    "problem.unknown_item": {"item": "flood_wach"},
    "problem.summary_by": {"value": "street"},
    "cli.summary_title": {"where": "gulou"},
    "problem.catalogue_text": {"key": "zh"},
    "problem.catalogue_slug": {"key": "id"},
    "problem.catalogue_duplicate": {"id": "flood_watch"},
    "problem.catalogue_unknown_key": {"key": "bogus"},
    "problem.catalogue_levels": {"key": "needs"},
    "problem.catalogue_number": {"key": "priority", "max": 5},
    "problem.catalogue_hours": {"max": 8784},
    "problem.catalogue_no_items": {"category": "emergency"},
    "hint.see_catalogue": {"examples": ["elderly_care", "flood_watch"]},
    "problem.tag_twice": {"tag": "emergency.first_aid"},
    "problem.unknown_cert": {"cert": "first_ad"},
    "problem.not_degrees": {"field": "lat"},
    "problem.degrees_range": {"field": "lon", "limit": "180"},
    "problem.capacity_range": {"max": 1000},
    "problem.hours_value": {"field": "hours"},
    "problem.week_hours_between": {"max": 168},
    "problem.hours_exceed_window": {"hours": 5, "window": 2},
    "problem.not_local_time": {"value": "2026-12-09T25:30"},
    "problem.time_skipped": {"value": "2026-03-08T02:30", "zone": "America/New_York"},
    "problem.pin_outside_horizon": {"demand": "D0303", "first": "2026-12-11", "last": "2026-12-11"},
    "cli.same_output": {"path": "plan.json", "flags": "--out, --calendar"},
    "problem.year_range": {"value": "9999-12-31T23:00", "first": 1900, "last": 2200},
    "problem.end_before_start": {"start": "2026-12-09T20:00", "end": "2026-12-09T18:00"},
    "problem.hours_between": {"field": "hours", "max": 8784},
    "problem.headcount_range": {"max": 1000},
    "problem.unknown_edit_key": {"key": "factr", "edit_kind": "scale_demand"},
    "problem.unknown_weekday": {"day": "周八", "suggestion": "周日"},
    "problem.weekday_range_backwards": {"range": "fri-mon"},
    "problem.window_backwards": {"window": "21:00-18:00"},
    "problem.windows_overlap": {"day": "mon", "window": "11:00-13:00", "other": "08:00-12:00"},
    "problem.away_backwards": {"range": "2026-12-14..2026-12-10", "fix": "2026-12-10..2026-12-14"},
    "problem.not_a_date": {"text": "2026-13-01"},
    "problem.unknown_zone": {"zone": "Asia/Shanghia"},
    "hint.did_you_mean": {"options": ["emergency.first_aid"]},
    "hint.see_taxonomy": {"examples": ["party.mass_work", "urban.waste_sorting"]},
    "hint.valid_values": {"vocab": "ids", "examples": ["P0001", "P0002"], "more": 1},
    "hint.case_files": {"files": ["communities.csv", "cadres.csv", "demands.csv"]},
    "hint.header": {"columns": ["id", "name", "street", "lat", "lon"]},
    "hint.first_used": {"row": 3},
    "hint.one_of": {"options": ["admin", "dispatcher", "planner", "analyst"]},
    "output.not_a_file": {"path": "out/"},
    "output.cannot_write": {"path": "/proc/x.json"},
    "cli.row": {"row": 3},
    "cli.column": {"column": "status"},
    "cli.line": {"row": 3},
    "cli.workers_in_memory": {"workers": 2},
    "cli.no_database": {"path": "matcher.db"},
    "cli.key": {"column": "weights.skill"},
    "cli.got": {"value": "'purple'"},
    "cli.validate_ok": {
        "communities": 120,
        "cadres": 800,
        "demands": 300,
        "taxonomy": "gulou-6x32",
        "tags": 32,
    },
    "cli.wrote": {"path": "out.json", "assignments": 364},
    "cli.token_created": {"id": 3, "role": "dispatcher", "districts": ["gulou"]},
    "cli.token_created_all": {"id": 1, "role": "admin"},
    "build.kernels_built": {"path": "matcher/solver/_aot", "seconds": 75},
    "build.kernels_not_built": {"reason": "exit 1"},
    "cli.no_pdf_converter": {"names": ["chromium", "google-chrome"]},
    "problem.training_too_big": {"pairs": 3_000_000, "most": 2_000_000},
    "cli.pdf_failed": {"converter": "/usr/bin/chromium", "path": "r.pdf", "reason": "exit 1"},
    "cli.more_rows": {"count": 324},
    "cli.more_unfilled": {"count": 12},
    "cli.kpis": {
        "filled": 364,
        "total": 416,
        "rate": 0.875,
        "weighted": 0.9,
        "fit": 0.71,
        "mean_km": 2.5,
        "max_km": 6.1,
        "used": 300,
        "available": 742,
        "objective": 16060.3749,
        "solver": "milp",
        "bound": 16100.5,
        "certified": "yes",
    },
    "cli.kpis_no_fit": {
        "filled": 0,
        "total": 3,
        "rate": 0.0,
        "weighted": 0.0,
        "used": 0,
        "available": 0,
        "objective": 0.0,
        "solver": "empty",
        "certified": "yes",
    },
    "cli.fix_demand": {"demand": "D1", "slots": 2},
    "cli.fix_objective": {"delta": -1.25},
    "cli.kpis_title": {"scenario": "flood season"},
    "cli.churn": {"kept": 300, "moved": 4, "added": 2, "dropped": 1},
    "cli.more_changes": {"count": 3},
    "cli.bad_out_suffix": {"path": "r.txt"},
    "cli.not_a_file": {"path": ".", "flag": "--plot"},
    "cli.unknown_kpi": {"kpi": "bogus", "options": ["fill_rate", "objective"]},
    "cli.bad_dask_address": {"address": "'garbage'"},
    "cli.dask_unreachable": {"address": "tcp://127.0.0.1:1", "reason": "refused"},
    "warning.no_shows": {"count": 2, "days": 90, "limit": 2},
    "warning.low_rating": {"rating": 2.71, "count": 6, "limit": 3.0, "min": 5},
    "warning.hours_behind": {"hours": 40.0, "target": 98.6, "behind": 58.6, "share": 0.5},
    "warning.stuck_yellow": {
        "since": "2026-01-05",
        "days": 190,
        "limit": 183,
        "warnings": ["no_shows", "low_rating"],
    },
    "points.earned": {"points": 90, "hours": 4.0, "dispatch": 7},
    "points.overdraw": {"amount": 50, "balance": 30},
    "ledger.period_reversed": {"start": "2026-04-01", "end": "2026-03-01"},
    "calendar.year_range": {"day": "9999-12-31", "first": 1900, "last": 2200},
    "calendar.range_too_long": {"days": 90, "max": 62},
    "cli.ledger_title": {
        "district": "gulou",
        "start": "2026-03-01",
        "end": "2026-03-31",
        "dispatches": 4,
    },
    "outcome.invalid": {"dispatch": 7},
    "problem.dispatch_ended": {"status": "completed"},
    "conflict.outcomes_moved": {"count": 2},
    "conflict.history_loaded": {"id": "gulou"},
    "cli.points_title": {"cadre": "P1", "name": "张三", "balance": 90},
    "cli.warning_id": {"value": "-3"},
    "cli.bad_date": {"option": "--as-of", "value": "2026-13-01"},
    "cli.district_required": {},
    "cli.warning_state": {"value": "bogus"},
    "input.file": {"file": "results.csv", "count": 2},
    "input.case_file": {"file": "district.xlsx", "count": 1},
    "cli.points_dispatch": {"dispatch": 7},
    "cli.points_redeemed": {"cadre": "P1", "amount": 50, "balance": 40},
    "cli.outcomes_imported": {"district": "gulou", "completed": 3, "cancelled": 1, "no_show": 0},
    "cli.outcomes_withdrew": {"district": "gulou", "demands": 1, "ids": "D012", "dispatches": 2},
    "cli.outcomes_warnings": {"district": "gulou", "count": 2},
    "cli.cannot_read": {"path": "outcomes.csv", "reason": "No such file or directory"},
    "points.amount_positive": {"amount": "0"},
}


@pytest.fixture(scope="module")
def produced(sample_case: Case, sample_proposal: Proposal) -> list[tuple[Message, str, Labels]]:
    """Every message of a sample run with the English text the engine returned beside it."""
    out: list[tuple[Message, str, Labels]] = []
    labels = labels_for(sample_case)
    for u in sample_proposal.unfilled:
        assert len(u.why) == len(u.reasons)
        out += [(m, r, labels) for m, r in zip(u.why, u.reasons, strict=True)]
    for row in unfilled_counterfactuals(sample_case, sample_proposal):
        out += [(o.why, o.text, labels) for o in row.options]
    sc = load_scenario(ROOT / "data" / "scenarios" / "flood-season.toml", sample_case)
    cmp = compare(sample_case, sc)
    new_case, _ = apply_scenario(sample_case, sc)
    new_labels = labels_for(new_case)
    for u in cmp.result.unfilled:
        out += [(m, r, new_labels) for m, r in zip(u.why, u.reasons, strict=True)]
    for ch in cmp.churn.changes:
        assert ch.reason == "; ".join(render(m, "en") for m in ch.why)
        clauses = ch.reason.split("; ")
        assert len(clauses) == len(ch.why)
        out += [(m, r, new_labels) for m, r in zip(ch.why, clauses, strict=True)]
    for row in unfilled_counterfactuals(new_case, cmp.result):
        out += [(o.why, o.text, new_labels) for o in row.options]
    return out


def test_english_texts_are_the_renderings_of_their_codes(produced) -> None:  # type: ignore[no-untyped-def]
    codes = {m.code for m, _, _ in produced}
    # the sample exercises the engine's main codes (the rest have EXAMPLES)
    assert {"unfilled.cert_missing", "unfilled.level_short", "fix.travel", "fix.free"} <= codes
    assert {c for c in codes if c.startswith("churn.")}
    for m, text, labels in produced:
        assert render(m, "en", labels) == text


def test_the_english_is_what_it_was_before_codes(sample_case, sample_proposal) -> None:  # type: ignore[no-untyped-def]
    """Byte for byte the sentences tools and tests read before reasons became codes."""
    u = {x.demand: x for x in sample_proposal.unfilled}
    assert u["D0001"].reasons == [
        "763 cadres without the required cert 人民调解员 (people_mediator)"
        " (47 fail only this rule)",
        "743 cadres short of the required 物业管理监督 (urban.property_management) ≥ 3"
        " (32 fail only this rule)",
        "30 cadres with capacity 0 (on leave) (1 fails only this rule)",
        "70 cadres beyond their travel limit from 桃桥新村社区",
        "28 cadres withdrawn (red status)",
        "1 qualified cadre at capacity on other demands"
        " (1 of them on demands of equal or higher priority)",
    ]
    assert "2 qualified cadres already on this demand" in u["D0200"].reasons
    fixes = {
        (r.demand, o.kind): o.text
        for r in unfilled_counterfactuals(sample_case, sample_proposal)
        for o in r.options
    }
    assert fixes["D0001", "free"] == (
        "free 谢瑶华 (P0238) from D0129: the plan re-arranges around it at a cost of 11.6636"
    )
    assert fixes["D0009", "level"] == (
        "accept 叶睿昊 (P0506) at 健康服务与家庭医生签约 (livelihood.health_promotion)"
        " level 0 instead of 1 (without the skill)"
    )
    assert (
        fixes["D0096", "travel"] == "let 秦国 (P0043) travel 5.06 km, 2.06 km over the 3 km limit"
    )


def test_produced_messages_fill_both_languages(produced, sample_case) -> None:  # type: ignore[no-untyped-def]
    allowed = allowed_words(sample_case)
    for m, _, labels in produced:
        assert m.code in CATALOGUE, m.code
        for lang in ("en", "zh"):
            missing = required(CATALOGUE[m.code][lang]) - set(m.params)
            assert not missing, (m.code, lang, missing)
        zh = render(m, "zh", labels)
        assert not latin_words(zh, allowed), (m.code, zh)
        assert all(not isinstance(v, str) or len(v) < 80 for v in m.params.values()), m


def test_every_catalogue_entry_renders_in_both_languages(produced, sample_case) -> None:  # type: ignore[no-untyped-def]
    seen = {m.code: m for m, _, _ in produced}
    allowed = allowed_words(sample_case)
    for code, texts in CATALOGUE.items():
        assert set(texts) == {"en", "zh"} and all(t.strip() for t in texts.values()), code
        m = seen.get(code) or Message(code=code, params=EXAMPLES.get(code, {}))  # type: ignore[arg-type]
        for lang in ("en", "zh"):
            missing = required(texts[lang]) - set(m.params)
            assert not missing, f"{code} ({lang}) needs {missing}: add it to EXAMPLES"
            text = render(m, lang, labels_for(sample_case))
            assert "{" not in text and "[" not in text, (code, text)
        zh = render(m, "zh", labels_for(sample_case))
        assert not latin_words(zh, allowed), (code, zh)


def test_templates_use_only_the_documented_constructs() -> None:
    for code, texts in CATALOGUE.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*", code), code
        for lang, t in texts.items():
            assert fields(t) >= fields(texts["zh"]) or lang == "zh", code
            depth = 0
            for ch in t:
                depth += {"[": 1, "]": -1}.get(ch, 0)
                assert depth in (0, 1), (code, t)  # optional parts do not nest
            assert depth == 0, (code, t)
            for m in re.finditer(r"\{(\w+):([^}]*)\}", t):
                assert SPECS.match(m.group(2)), (code, m.group(0))
        # Chinese may leave out a parameter, never add one English does not have
        assert fields(texts["zh"]) <= fields(texts["en"]), code


def _audit_actions(tree: ast.AST) -> set[int]:
    """The string nodes naming an audit trail action (``@audited("points.redeem", …)``):
    dotted like message codes, but names of what was done, never shown as messages."""
    return {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "audited"
        for arg in node.args
    }


def _code_literals() -> Iterator[tuple[Path, str]]:
    prefixes = tuple(sorted({c.split(".", 1)[0] + "." for c in CATALOGUE if "." in c}))
    for path in [*(ROOT / "matcher").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        actions = _audit_actions(tree)
        for node in ast.walk(tree):
            if id(node) in actions:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                v = node.value
                if (
                    v.startswith(prefixes)
                    and re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", v)
                    and not v.endswith("_")
                ):
                    yield path, v


#: dotted literals that are not message codes (ASGI message types)
NOT_CODES = {"http.request", "http.disconnect", "http.response.start", "http.response.body"}


def test_every_code_in_the_source_is_in_the_catalogue() -> None:
    found = list(_code_literals())
    assert len(found) > 100
    for path, code in found:
        if code in NOT_CODES:
            continue
        assert code in CATALOGUE, f"{path.relative_to(ROOT)}: {code}"


def test_param_kinds_point_into_the_catalogue() -> None:
    for name, kind in PARAM_KINDS.items():
        if kind.endswith("."):
            assert any(c.startswith(kind) for c in CATALOGUE), name


def test_render_rules() -> None:
    assert render(msg("unfilled.withdrawn", count=1), "en") == "1 cadre withdrawn (red status)"
    assert (
        render(msg("unfilled.withdrawn", count=2, only=2), "en")
        == "2 cadres withdrawn (red status) (2 fail only this rule)"
    )
    # unknown codes fall back to their dotted parent, then to the code itself
    assert render(msg("change.something_new", cadre="P1"), "zh") == "状态已变化"
    assert render(msg("nothing.known"), "en") == "nothing.known"
    # catalogue words and edits are looked up; lists take the language's separator
    m = msg("churn.now_passes", took="D1", cadre="P1", rules=["travel", "certs"], demand="D1",
            edits=["3:travel_limit"])  # fmt: skip
    assert render(m, "en") == "took D1: P1 now passes travel, certs for D1 by edit 3 (travel_limit)"
    assert "出行距离、证书" in render(m, "zh") and "第 3 项修改（调整出行上限）" in render(m, "zh")


def test_render_matches_a_plain_substitution_of_every_template() -> None:
    """Rendering cuts each template once and caches the pieces: every template,
    with its optional parts kept and dropped, still reads as substituting its
    ``[…]`` parts and then its fields would (numbers only, so no label applies)."""
    segment = re.compile(r"\[([^\[\]]*)\]")
    field = re.compile(r"\{(\w+)(?:\?([^|{}]*)\|([^{}]*)|:([^{}]*))?\}")

    def plain(template: str, params: dict[str, int]) -> str:
        def keep(m: re.Match[str]) -> str:
            names = re.findall(r"\{(\w+)", m.group(1))
            return m.group(1) if all(params.get(n) for n in names) else ""

        def value(m: re.Match[str]) -> str:
            name, one, other, spec = m.groups()
            v = params.get(name)
            if one is not None:
                return one if v == 1 else other
            return "" if v is None else format(v, spec) if spec else str(v)

        return field.sub(value, segment.sub(keep, template))

    checked = 0
    for code, texts in CATALOGUE.items():
        for lang in ("en", "zh"):
            names = sorted(fields(texts[lang]))
            drafts = [dict.fromkeys(names, 2), dict.fromkeys(names, 1)]
            drafts += [{**dict.fromkeys(names, 3), n: 0} for n in names]
            drafts += [{k: 1 for k in names if k != n} for n in names]
            for params in drafts:
                m = Message(code=code, params=params)  # type: ignore[arg-type]
                assert render(m, lang) == plain(texts[lang], params), (code, lang, params)
                checked += 1
    assert checked > 2 * len(CATALOGUE)


def test_lang_from_env() -> None:
    assert lang_from_env({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert lang_from_env({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert lang_from_env({"LC_ALL": "zh_TW", "LANG": "C"}) == "zh"
    assert lang_from_env({"LANG": "C.UTF-8"}) == "en"
    assert lang_from_env({}) == "en"


def test_case_problems_get_codes_and_render_in_chinese(tmp_path: Path, sample_case: Case) -> None:
    from matcher.errors import CaseError
    from matcher.problemcodes import hint_message, problem_message

    (tmp_path / "communities.csv").write_text(
        "id,name,street,lat,lon\nC1,甲,街,32.1,118.8\nC1,乙,街,32.2,118.8\nC2,丙,街,100,118\n",
        encoding="utf-8",
    )
    (tmp_path / "cadres.csv").write_text(
        "id,name,home,skills,certs,capacity,status,max_travel_km\n"
        "P1,张三,C9,emergency.first_ad:2,,x,purple,\n",
        encoding="utf-8",
    )
    (tmp_path / "demands.csv").write_text("id,title\n", encoding="utf-8")
    with pytest.raises(CaseError) as exc:
        load_case(tmp_path)
    problems = exc.value.problems
    codes = {problem_message(p).code for p in problems}
    assert {
        "problem.duplicate_id",
        "problem.degrees_range",
        "problem.unknown_tag",
        "problem.capacity_int",
        "problem.status_value",
        "problem.column_missing",
    } <= codes, codes
    assert "problem.invalid" not in codes
    hints = {h.code for p in problems if (h := hint_message(p))}
    assert {"hint.did_you_mean", "hint.first_used", "hint.header"} <= hints, hints
    for p in problems:
        for m in (problem_message(p), hint_message(p)):
            if m is not None:
                zh = render(m, "zh")
                assert not latin_words(zh, allowed_words(sample_case) | {"C9"}), zh


def test_a_scenario_hint_listing_valid_values_has_a_code() -> None:
    """A what-if naming an unknown id is told the valid ones ("valid ids: P0001, …"): that
    hint is a code with params, so the console says it in Chinese too (it showed English)."""
    from matcher.errors import Problem
    from matcher.problemcodes import hint_message
    from matcher.whatif.scenario.base import suggest

    pool = [f"P{i:04}" for i in range(1, 13)]
    for word, vocab, few in (("zzz", pool, False), ("zzz", ["玄武", "鼓楼"], True)):
        hint = suggest(word, vocab, "ids" if not few else "streets")
        p = Problem("body.edits.0", "edit 1: unknown id 'zzz'", column="ids", value=word, hint=hint)
        m = hint_message(p)
        assert m is not None and m.code == "hint.valid_values", (hint, m)
        assert render(m, "en") == hint
        zh = render(m, "zh")
        assert latin_words(zh, set(vocab)) == [], zh
        assert ("等" in zh) is not few, zh


def test_the_catalogue_is_parsed_once_then_read_from_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache beside the bytecode gives the very catalogue the TOML does; an edited
    TOML is parsed again (never a stale catalogue), and a broken cache is ignored."""
    import matcher.messages as m

    monkeypatch.setattr("sys.dont_write_bytecode", False)
    source = tmp_path / "messages.toml"
    source.write_bytes(m._SOURCE.read_bytes())
    cache = tmp_path / "__pycache__" / "messages.toml.marshal"
    parsed = m._load_catalogue(source, cache)
    assert parsed == CATALOGUE and cache.is_file()
    parses: list[str] = []
    monkeypatch.setattr(m, "_parse", lambda text: parses.append(text) or {"x": {"en": "X"}})
    assert m._load_catalogue(source, cache) == CATALOGUE and parses == []  # the cache's
    source.write_text('[a.b]\nen = "new"\n', encoding="utf-8")
    assert m._load_catalogue(source, cache) == {"x": {"en": "X"}} and len(parses) == 1
    assert m._load_catalogue(source, cache) == {"x": {"en": "X"}} and len(parses) == 1
    for broken in (b"", b"\x00garbage", cache.read_bytes()[:-3]):
        cache.write_bytes(broken)
        assert m._load_catalogue(source, cache) == {"x": {"en": "X"}}
    assert len(parses) == 4


def test_the_catalogue_cache_is_written_only_where_bytecode_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not under ``PYTHONDONTWRITEBYTECODE``, and a folder that cannot be written (a
    read-only install) means parsing, not an error; nothing half-written is left."""
    import matcher.messages as m

    source = tmp_path / "messages.toml"
    source.write_text('[a.b]\nen = "A"\nzh = "甲"\n', encoding="utf-8")
    cache = tmp_path / "cache" / "messages.toml.marshal"
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    assert m._load_catalogue(source, cache) == {"a.b": {"en": "A", "zh": "甲"}}
    assert not cache.parent.exists()
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    (tmp_path / "cache").write_text("a file, not a folder", encoding="utf-8")
    assert m._load_catalogue(source, cache) == {"a.b": {"en": "A", "zh": "甲"}}
    (tmp_path / "cache").unlink()
    (tmp_path / "cache").mkdir()
    monkeypatch.setattr("os.replace", _refuse)
    assert m._load_catalogue(source, cache) == {"a.b": {"en": "A", "zh": "甲"}}
    assert list((tmp_path / "cache").iterdir()) == []
    assert m._load_catalogue(source, None) == {"a.b": {"en": "A", "zh": "甲"}}


def _refuse(*_: object) -> None:
    raise PermissionError("read-only")


def test_the_catalogue_cache_lives_beside_the_modules_bytecode() -> None:
    import importlib.util
    import sys

    import matcher.messages as m

    where = m._cache_path()
    pyc = importlib.util.cache_from_source(m.__file__ or "")
    assert where is not None and where.parent == Path(pyc).parent
    assert where.name == f"messages.toml.{sys.implementation.cache_tag}.marshal"
