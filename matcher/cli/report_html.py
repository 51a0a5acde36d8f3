"""The governance report's HTML: Chinese tables with English headers, inline PNG charts.

Why no script and no link: the file is read offline, archived and forwarded; every
style is inline, every chart a ``data:`` PNG, and the figures ride along as JSON
(``<script type="application/json" id="figures">``, never executed) so a reader's
tool can check them against the service's.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from typing import Any

from matcher.messages import Message, render

#: the figures as :meth:`matcher.store.ReportRow.to_json` gives them
Figures = dict[str, Any]

__all__ = ["render_report"]

#: a cell written as text that is a figure (a percentage, or "—" for none): right-aligned
_NUMERIC = re.compile(r"[+\-]?[\d.]+%|—")

_STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;
margin:2rem auto;max-width:60rem;color:#1d2530;line-height:1.5;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:2px solid #0b5394;padding-bottom:.2rem}
.en{color:#5b6573;font-size:.85em;font-weight:normal;display:block}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #c9d1db;padding:.3rem .5rem;text-align:left}
th{background:#eef3f8;vertical-align:bottom}td.n,th.n{text-align:right}
.kpis{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.kpi{border:1px solid #c9d1db;border-radius:6px;padding:.5rem .8rem;min-width:8rem}
.kpi b{display:block;font-size:1.4rem}.neg{color:#b00020}.note{color:#5b6573;font-size:.85rem}
img{max-width:100%;height:auto}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _th(zh: str, en: str, n: bool = False) -> str:
    return f'<th{" class=n" if n else ""}>{_h(zh)}<span class="en">{_h(en)}</span></th>'


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _table(head: list[tuple[str, str, bool]], rows: list[list[Any]]) -> str:
    th = "".join(_th(zh, en, n) for zh, en, n in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n{" neg" if isinstance(v, int | float) and v < 0 else ""}">{_num(v)}</td>'
            if isinstance(v, int | float)
            else f'<td class="n">{_h(v)}</td>'
            if isinstance(v, str) and _NUMERIC.fullmatch(v)
            else f"<td>{_h(str(v))}</td>"
            for v in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _png(draw: Any) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.4))
    draw(ax)
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _bars(
    labels: list[str], series: dict[str, list[int]] | dict[str, list[float]], title: str
) -> Any:
    def draw(ax: Any) -> None:
        width = 0.8 / max(1, len(series))
        for k, (name, values) in enumerate(series.items()):
            ax.bar([i + k * width for i in range(len(labels))], values, width, label=name)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(labels))], labels, rotation=30,
                      ha="right", fontsize=8)  # fmt: skip
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8)

    return draw


def _img(src: str, zh: str, en: str) -> str:
    alt = _h(f"{zh} {en}")
    caption = f'<figcaption class="note">{_h(zh)} · {_h(en)}</figcaption>'
    return f'<figure><img src="{src}" alt="{alt}">{caption}</figure>'


def _h2(zh: str, en: str) -> str:
    return f"<h2>{_h(zh)}<span class=en>{_h(en)}</span></h2>"


OUTCOMES = ("accepted", "completed", "cancelled", "no_show", "hours")
OUTCOME_HEAD = [
    ("接受", "Accepted", True),
    ("完成", "Completed", True),
    ("取消", "Cancelled", True),
    ("未到岗", "No-show", True),
    ("服务时长", "Hours", True),
]
SUPPLY_HEAD = [
    ("类别", "Category", False),
    ("待派需求", "Open demands", True),
    ("待派名额", "Open slots", True),
    ("优先级权重", "Priority weight", True),
    ("可派合格干部", "Qualified supply", True),
    ("在岗派遣", "Active", True),
    ("供需差", "Balance", True),
]
LEDGER_HEAD = [
    ("社区", "Community", False),
    ("借出", "Lent", True),
    ("借入", "Received", True),
    ("差额", "Balance", True),
    ("本社区", "At home", True),
]
NOTE = (
    "口径 Definitions：派遣按被接受与结束的北京时间日期计入；"
    "派遣用时为需求创建至派遣被接受的小时数，只计创建时间已知的需求；供需对照为生成报告时的状态，"
    "可派合格干部指尚有余量、且满足该类别某项待派需求全部硬性规则的干部。"
    " Dispatches count by the local day they were accepted or ended; time to fill is the hours"
    " from a demand's creation to a dispatch accepted on it (demands with a known creation"
    " time only); supply against demand"
    " is as of the moment the report was made (GET …/summary); the ledger is GET …/ledger"
    " for the same period."
)


def _kpis(f: Figures) -> str:
    total = {k: sum(v[k] for v in f["by_category"].values()) for k in OUTCOMES}
    hours = round(sum(c["home"] + c["lent"] for c in f["ledger"]["communities"]), 2)
    now = f["summary"]["total"]
    wait = f["time_to_fill"].get("*", {}).get("median_hours", "—")
    kpis = [
        ("接受派遣", "dispatches accepted", total["accepted"]),
        ("完成派遣", "completed", total["completed"]),
        ("取消", "cancelled", total["cancelled"]),
        ("未到岗", "no-show", total["no_show"]),
        ("服务时长（小时）", "service hours", hours),
        ("派遣用时中位数（小时）", "median time to fill (h)", wait),
        ("待派名额（当前）", "open slots (now)", now["slots"]),
        ("可派合格干部（当前）", "qualified free supply (now)", now["supply"]),
    ]
    boxes = "".join(
        f'<div class="kpi">{_h(zh)}<span class=en>{_h(en)}</span><b>{_num(v)}</b></div>'
        for zh, en, v in kpis
    )
    return f'<div class="kpis">{boxes}</div>'


def _weekly(f: Figures) -> list[str]:
    weeks = list(f["weeks"])
    if not weeks:
        return []
    series = {k: [f["weeks"][w].get(k, 0) for w in weeks] for k in ("accepted", "completed")}
    chart = _bars(weeks, series, "Dispatches per ISO week (week starting)")
    return [
        _h2("每周派遣", "Dispatches per week"),
        _img(_png(chart), "按周统计的接受与完成派遣", "accepted and completed per week"),
    ]


def _outcomes(f: Figures, cat: Any) -> list[str]:
    order = [c for c in f["categories"] if c in f["by_category"]]
    order += [""] if "" in f["by_category"] else []
    waits = f["time_to_fill"]
    by_cat = [
        [cat(k)]
        + [_round(f["by_category"][k][x]) for x in OUTCOMES]
        + [waits[k]["median_hours"] if k in waits else "—"]
        for k in order
    ]
    comms = sorted(f["by_community"], key=lambda c: (-f["by_community"][c]["accepted"], c))[:20]
    by_comm = [
        [f"{c} {f['communities'].get(c, '')}"] + [_round(f["by_community"][c][x]) for x in OUTCOMES]
        for c in comms
    ]
    return [
        _h2("按服务类别的派遣结果", "Dispatch outcomes by service category"),
        _table(
            [
                ("类别", "Category", False),
                *OUTCOME_HEAD,
                ("派遣用时中位数（小时）", "Median time to fill (h)", True),
            ],
            by_cat,
        ),
        _h2("按社区的派遣结果（接受最多的 20 个）", "Dispatch outcomes by community (top 20)"),
        _table([("社区", "Community", False), *OUTCOME_HEAD], by_comm),
    ]


def _supply(f: Figures, cat: Any) -> list[str]:
    cells = f["summary"]["cells"]
    out = [_h2("供需对照（当前，按服务类别）", "Supply against demand now, by service category")]
    if cells:
        labels = [c["category"] or "uncategorised" for c in cells]
        series = {
            "open slots": [c["slots"] for c in cells],
            "qualified free supply": [c["supply"] for c in cells],
        }
        chart = _bars(labels, series, "Open slots and qualified free supply by category")
        out.append(_img(_png(chart), "待派名额与可派合格干部", "open slots and qualified supply"))
    keys = ("demands", "slots", "weight", "supply", "active", "balance")
    rows = [[cat(c["category"])] + [c[k] for k in keys] for c in cells]
    rows.append(["合计 (total)"] + [f["summary"]["total"][k] for k in keys])
    out.append(_table(SUPPLY_HEAD, rows))
    return out


def _ledger(f: Figures) -> list[str]:
    led = f["ledger"]
    shown = [c for c in led["communities"] if c["lent"] or c["received"] or c["home"]]
    rows = [[f"{c['id']} {c['name']}", c["lent"], c["received"], c["balance"], c["home"]]
            for c in shown]  # fmt: skip
    count = f"完成且记录时长的派遣 {led['dispatches']} 次 · completed dispatches with hours"
    return [_h2("社区互助账本", "Lending ledger (hours)"), f'<p class="note">{count}</p>',
            _table(LEDGER_HEAD, rows)]  # fmt: skip


TRAINING_HEAD = [
    ("培训技能", "Skill to train", False),
    ("等级", "Level", False),
    ("可开放需求", "Demands opened", True),
    ("多填名额", "Slots gained", True),
    ("加权填补增益", "Priority weight gained", True),
]
RULE = (
    "人工规则：最紧急的需求先派（优先级高者先，同级按需求顺序），每个名额派给尚有余量的最合适干部"
    "（技能匹配度最高，其次路程最近，再按名册顺序），且只用满足全部硬性规则的人选。"
    " The manual rule: the most urgent demand first (priority, then the demand's order);"
    " each slot goes to the best available qualified cadre (highest skill fit, then"
    " nearest, then roster order)."
)
REPLAY = (
    "重放口径：本期每个有派遣被接受的日子，按当日开始时的待派名额与干部余量，用同一套硬性规则和评分"
    "重放人工规则，与当日实际接受的 matcher 派遣对比。派遣用时不作对比：重放当日即派。"
    " Each day of the period on which a dispatch was accepted is replayed from that day's open"
    " slots and free capacity at its start, under the same hard rules and score; matcher's"
    " side is the dispatches accepted that day. Time to fill is not compared: the replay"
    " fills on the day."
)


def _pct(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x * 100:+.1f}%" if signed else f"{x * 100:.1f}%"


def _baseline(f: Figures) -> list[str]:
    b = f["baseline"]
    total, rates, gain = b["total"], b["rates"], b["gain"]
    out = [
        _h2("与人工规则对照（同期重放）", "Against the manual rule, replayed on the same days"),
        f'<p class="note">{_h(RULE)}</p>',
    ]
    if not b["days"]:
        out.append(
            "<p>本期没有可重放的派遣日：没有派遣被接受，或派遣所在的需求已归档（如导入的历史"
            "记录），当日的需求池无法重建。 <span class=en>No day of the period can be"
            " replayed: no dispatch was accepted, or the dispatches are on archived demands"
            " (such as imported history), whose day cannot be rebuilt.</span></p>"
        )
        return out
    wf = gain["weighted_fill"]
    if wf is not None:
        word = "高" if wf >= 0 else "低"
        # a counted phrase ("Over 1 dispatch day"): the catalogue's plural rule
        over = Message(code="cli.report_days_gain",
                       params={"count": total["days"], "gain": _pct(wf, True)})  # fmt: skip
        out.append(
            f"<p><b>本期 {total['days']} 个派遣日，matcher 派遣的优先级加权填补率比人工规则{word}"
            f" {abs(wf) * 100:.1f}%</b>（{_pct(rates['matcher']['weighted_fill'])} 对"
            f" {_pct(rates['manual']['weighted_fill'])}）。<span class=en>"
            f"{_h(render(over, 'en'))}</span></p>"
        )
    head = [("指标", "Measure", False), ("matcher（实际接受）", "matcher (accepted)", True),
            ("人工规则", "Manual rule", True), ("相对差", "Relative gain", True)]  # fmt: skip
    m, r = rates["matcher"], rates["manual"]
    rows = [
        ["重放天数 Days replayed", total["days"], total["days"], "—"],
        ["待派名额（逐日合计）Open slots, summed over days", total["slots"], total["slots"], "—"],
        ["填补名额 Slots filled", total["matcher"]["slots"], total["manual"]["slots"],
         _pct(gain["fill_rate"], True)],
        ["填补率 Fill rate", _pct(m["fill_rate"]), _pct(r["fill_rate"]),
         _pct(gain["fill_rate"], True)],
        ["优先级加权填补率 Priority-weighted fill", _pct(m["weighted_fill"]),
         _pct(r["weighted_fill"]), _pct(gain["weighted_fill"], True)],
        ["每名额平均得分 Mean score per slot", _dash(m["mean_score"]), _dash(r["mean_score"]),
         _pct(gain["mean_score"], True)],
        ["平均路程（公里）Mean travel (km)", _dash(m["mean_km"]), _dash(r["mean_km"]),
         _pct(gain["mean_km"], True)],
    ]  # fmt: skip
    out.append(_table(head, rows))
    days = [d["day"][5:] for d in b["days"]]
    series = {
        "matcher (accepted)": [d["matcher"]["weight"] for d in b["days"]],
        "manual rule": [d["manual"]["weight"] for d in b["days"]],
        "open": [d["weight"] for d in b["days"]],
    }
    chart = _bars(days[-40:], {k: v[-40:] for k, v in series.items()},
                  "Priority weight filled per day: matcher vs the manual rule")  # fmt: skip
    out.append(_img(_png(chart), "逐日优先级加权填补", "priority weight filled per day"))
    out.append(f'<p class="note">{_h(REPLAY)}</p>')
    if b["skipped"]:
        days_out = "、".join(b["skipped"])
        out.append(f'<p class="note">未重放（当日待派组合过多）Not replayed (too many open'
                   f" pairs that day): {_h(days_out)}</p>")  # fmt: skip
    return out


def _dash(x: float | None) -> float | str:
    return "—" if x is None else x


def _shortfall(f: Figures, cat: Any) -> list[str]:
    s = f["shortfall"]
    names: dict[str, str] = s["labels"]
    places: dict[str, str] = f["communities"]

    def label(kind: str, value: str) -> str | None:
        return names.get(value) if kind == "taxonomy" else places.get(value)

    out = [
        _h2("短缺与培训建议（当前）", "Shortages and training picks, now"),
        f"<p>当前待派名额 {s['open']} 个，最优方案仍空缺 {s['empty']} 个。"
        f"<span class=en>{s['open']} open slots now; the best plan leaves {s['empty']}"
        " empty.</span></p>",
    ]
    rows = [
        [f"{c['community']} {f['communities'].get(c['community'], '')}", cat(c["category"]),
         c["demands"], c["slots"],
         render(Message(code=c["reason"]["code"], params=c["reason"]["params"]), "zh", label)]
        for c in s["cells"][:20]
    ]  # fmt: skip
    if rows:
        out.append(_table([("社区", "Community", False), ("类别", "Category", False),
                           ("需求", "Demands", True), ("空缺名额", "Empty slots", True),
                           ("主要原因", "Binding reason", False)], rows))  # fmt: skip
    picks = [
        [names.get(t["tag"], t["tag"]), f"{t['from_level']} → {t['to_level']}", t["demands"],
         t["slots"], t["weighted_fill"]]
        for t in s["training"]
    ]  # fmt: skip
    if picks:
        out.append(_table(TRAINING_HEAD, picks))
        out.append('<p class="note">每条建议为一名干部提升一项技能等级，经精确重解确认；不列姓名。'
                   " Each pick raises one cadre's level in one skill, confirmed by an exact"
                   " re-solve; no cadre is named.</p>")  # fmt: skip
    elif s["training_note"]:
        why = Message(code=s["training_note"]["code"], params=s["training_note"]["params"])
        out.append(f'<p class="note">培训建议无法估算：{_h(render(why, "zh"))}'
                   f" Training picks not priced: {_h(render(why, 'en'))}</p>")  # fmt: skip
    return out


def render_report(f: Figures) -> str:
    """The whole report as one HTML document."""

    def cat(slug: str | None) -> str:
        if not slug:
            return "未归类 (uncategorised)"
        names = f["categories"].get(slug, {"zh": slug, "en": slug})
        return f"{names['zh']} ({names['en']})"

    title = f"{f['name']}（{f['district']}）社区治理报告"
    period = (
        f"报告期 Period：{f['start']} 至 {f['end']}（含首尾，按北京时间日期）"
        f" · 生成日期 Made on {f['made']} · 不含任何干部姓名 No personal names"
    )
    data = json.dumps(f, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    parts = [
        "<!doctype html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)} {f['start']} – {f['end']}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_h(title)}<span class=en>Community governance report</span></h1>",
        f"<p>{_h(period)}</p>",
        _kpis(f),
        *_weekly(f),
        *_outcomes(f, cat),
        *_baseline(f),
        *_supply(f, cat),
        *_shortfall(f, cat),
        *_ledger(f),
        f'<p class="note">{_h(NOTE)}</p>',
        f'<script type="application/json" id="figures">{data}</script>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _round(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)
