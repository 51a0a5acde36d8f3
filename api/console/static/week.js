// The day/week view (日程): the dated work orders of a week as bars per community on a
// Monday–Sunday timeline (one day's hours when a day is picked), coloured by how far they are
// staffed; a bar opens its order and the cadres dispatched to it; a cadre opens their week
// (GET …/cadres/{id}/calendar): their dated dispatches over the free windows of their weekly
// pattern, their away days, ongoing work and hours per week. Times are the district's wall
// clock (its policy's time zone), as the orders are written; "this week" is the district's. Its words join I18N when this module loads.

import { $, S, esc, today, zoneName } from './core.js';
import { api, dpath } from './api.js';
import { I18N, num, t } from './i18n.js';
import { dateInput, dateValue, guarded } from './ui.js';

const LANE = 15;          // one lane of bars
const PAD = 4;            // space between communities
const HEAD = 34;          // the day (or hour) heads
const DAY_MIN = 1440;
const COLOR = { filled: '#1f6b36', partly: '#b36b00', open: '#b3261e' };

Object.assign(I18N.zh, {
  tab_week: '日程',
  wk_h: '定时工单日程', wk_week_of: '周次（任一天）', wk_prev: '上一周', wk_next: '下一周',
  wk_whole: '整周', wk_day_btn: (d) => `只看 ${d}`,
  wk_days: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  wk_line: (a, b, n, f, p, o, z) => `${a === b ? a : `${a} 至 ${b}`}（本区时间 ${z}）：定时工单 ${n} 项，已派满 ${f}，部分到位 ${p}，待派 ${o}`,
  wk_none: '这一周没有定时工单。长期任务不在日程中显示。',
  wk_legend: { filled: '已派满', partly: '部分到位', open: '待派' },
  wk_label: '按社区排列的定时工单时间条：横轴为时间，颜色表示派遣进度；可用键盘逐个选中',
  wk_bar: (id, title, w, f, h) => `${id} ${title}，${w}，已派 ${f}/${h}`,
  wk_pick: '点击一个时间条查看工单和已派干部。',
  wk_order: (id, title) => `${id} ${title}`,
  wk_dispatched: '已派干部（点击查看其一周）', wk_nobody: '还没有派遣。',
  wk_cadre_open: '查看干部一周', wk_cadre_id: '干部编号', wk_show: '查看',
  wk_cadre_h: (id, name) => `${id} ${name} 的一周`,
  wk_cadre_label: '干部一周日程：每行一天，浅绿为可服务时段，灰色斜线为外出日，色条为定时派遣',
  wk_free: '可服务时段', wk_away: '外出', wk_active: '进行中的派遣', wk_completed: '已完成的派遣',
  wk_leave: '暂不可派', wk_leave_note: (until) => (until ? `已标记为暂不可派，至 ${until}（含）：期间不向其派单。` : '已标记为暂不可派，直至解除：不向其派单。'),
  wk_busy: '忙：长期任务占满名额', wk_full: (n, c) => `长期任务 ${n} 项占满全部 ${c} 个名额：整周没有空闲时段。`,
  wk_ongoing: (list) => `长期任务（始终占用一个名额）：${list}`, wk_no_ongoing: '没有长期任务。',
  wk_hours: (w, h, lim) => (lim === null ? `${isoWeek(w, '{y}年第{n}周')}：定时工单 ${h} 小时（不限时长）` : `${isoWeek(w, '{y}年第{n}周')}：定时工单 ${h} / 上限 ${lim} 小时`),
  wk_pattern: (p) => `每周可服务：${p ?? '不限'}`, wk_capacity: (c) => `同时最多 ${c} 项`,
  wk_entry: (id, title, w, s) => `${id} ${title}，${w}（${s}）`,
});
Object.assign(I18N.en, {
  tab_week: 'Week',
  wk_h: 'Dated work orders', wk_week_of: 'Week of', wk_prev: 'Previous week', wk_next: 'Next week',
  wk_whole: 'Whole week', wk_day_btn: (d) => `Only ${d}`,
  wk_days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  wk_line: (a, b, n, f, p, o, z) => `${a === b ? a : `${a} – ${b}`} (district time, ${z}): ${n} dated orders, ${f} staffed, ${p} partly, ${o} open`,
  wk_none: 'No dated work order this week. Ongoing work is not on the timeline.',
  wk_legend: { filled: 'Staffed', partly: 'Partly staffed', open: 'Open' },
  wk_label: 'Dated work orders as bars per community: time runs left to right, the colour says how far each is staffed; keyboard: tab through the bars',
  wk_bar: (id, title, w, f, h) => `${id} ${title}, ${w}, ${f}/${h} dispatched`,
  wk_pick: 'Click a bar to see the order and the cadres dispatched to it.',
  wk_order: (id, title) => `${id} ${title}`,
  wk_dispatched: 'Dispatched cadres (click for their week)', wk_nobody: 'Nobody dispatched yet.',
  wk_cadre_open: 'A cadre\'s week', wk_cadre_id: 'Cadre id', wk_show: 'Show',
  wk_cadre_h: (id, name) => `${id} ${name}: the week`,
  wk_cadre_label: 'A cadre\'s week: one row a day; light green: free by their weekly pattern; grey hatching: away; bars: dated dispatches',
  wk_free: 'Free', wk_away: 'Away', wk_active: 'Active dispatch', wk_completed: 'Completed dispatch',
  wk_leave: 'Unavailable', wk_leave_note: (until) => (until ? `Marked unavailable until ${until} (included): nothing is proposed to them until then.` : 'Marked unavailable until lifted: nothing is proposed to them.'),
  wk_busy: 'Busy: ongoing work holds every place', wk_full: (n, c) => `Ongoing work (${n}) holds all ${c} of their places: no free time all week.`,
  wk_ongoing: (list) => `Ongoing work (holds one place all the time): ${list}`, wk_no_ongoing: 'No ongoing work.',
  wk_hours: (w, h, lim) => (lim === null ? `${isoWeek(w, 'Week {n} of {y}')}: ${h} h of dated work (no limit)` : `${isoWeek(w, 'Week {n} of {y}')}: ${h} of ${lim} h of dated work`),
  wk_pattern: (p) => `Free each week: ${p ?? 'always'}`, wk_capacity: (c) => `At most ${c} at once`,
  wk_entry: (id, title, w, s) => `${id} ${title}, ${w} (${s})`,
});

/** Minutes since 1970 of a local wall-clock text ("2026-12-08T18:00" or a day "2026-12-08"),
 *  read as written: the district's clock, whatever the browser's zone. */
/** An ISO week label (2026-W50) in words: `form` names its year {y} and number {n}. */
function isoWeek(label, form) {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  return m ? form.replace('{y}', m[1]).replace('{n}', String(Number(m[2]))) : label;
}

function minutes(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?/.exec(text);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)) / 60000;
}
const hm = (text) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
/** A dated order's end: its own, or its start plus its hours (an order given by its length). */
const endOf = (d) => (d.end || localText(minutes(d.start) + Math.round(d.hours * 60)));
const localText = (mins) => new Date(mins * 60000).toISOString().slice(0, 16);
const dayText = (mins) => new Date(mins * 60000).toISOString().slice(0, 10);
const addDays = (day, n) => dayText(minutes(day) + n * DAY_MIN);
const monday = (day) => addDays(day, -((new Date(minutes(day) * 60000).getUTCDay() + 6) % 7));
const short = (day) => day.slice(5);
/** "12-08 18:00–22:00", with the end's day when it differs. */
function windowText(start, end) {
  const a = start.replace('T', ' ').slice(5, 16);
  const b = end.replace('T', ' ').slice(5, 16);
  return `${a}–${a.slice(0, 5) === b.slice(0, 5) ? b.slice(6) : b}`;
}
/** A weekly pattern ("mon-fri 18:00-21:30; sat,sun 08:00-18:00") with its day names in the
 *  page's language. */
const patternText = (p) => (S.lang === 'zh' && p
  ? p.replace(/\b(mon|tue|wed|thu|fri|sat|sun)\b/g, (d) => t('wk_days')[['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(d)])
    .replace(/-/g, '至').replace(/,/g, '、').replace(/(\d)至(\d)/g, '$1-$2').replace(/; /g, '；')
  : p);
const stateOf = (d) => (d.filled >= d.headcount ? 'filled' : d.filled > 0 ? 'partly' : 'open');
const commName = (id) => S.commById.get(id)?.name || id;

/** The week shown first: this week (the district's: its today, in its time zone) when it
 *  has dated orders, else the next week that has some, else the last one that had. */
function firstWeek(dated) {
  const weeks = [...new Set(dated.map((d) => monday(d.start.slice(0, 10))))].sort();
  const now = monday(today());
  return weeks.find((w) => w >= now) || weeks[weeks.length - 1] || now;
}

/** Lanes per community so that no two bars of a row overlap (greedy, by start). */
function lanes(items) {
  const ends = [];
  for (const it of items) {
    let k = ends.findIndex((e) => e <= it.a);
    if (k < 0) { k = ends.length; ends.push(0); }
    ends[k] = it.b;
    it.lane = k;
  }
  return Math.max(1, ends.length);
}

/** The timeline of ``dated`` orders over [from, from + days): bars per community. Two
 *  pictures side by side, one px a unit down both: the community names (#wk-names, a column
 *  that stays put, CSS sticky, while a phone scrolls the timeline sideways, so each row keeps
 *  its name in sight) and the timeline (#week-svg), whose times are drawn in percent of its
 *  width, so that it fills a desktop's box and keeps its labels at their size (12 px) on a
 *  phone instead of shrinking them with the picture. */
function timeline(dated, from, days) {
  const t0 = minutes(from);
  const t1 = t0 + days * DAY_MIN;
  const x = (m) => ((Math.min(Math.max(m, t0), t1) - t0) / (t1 - t0)) * 100;
  const pc = (v) => `${v.toFixed(3)}%`;
  const rows = new Map();
  for (const d of dated) {
    const a = minutes(d.start); const b = minutes(endOf(d));
    if (b <= t0 || a >= t1) continue;
    if (!rows.has(d.community)) rows.set(d.community, []);
    rows.get(d.community).push({ d, a, b });
  }
  const order = [...rows.keys()].sort();
  let y = HEAD;
  const parts = [];
  const names = [];
  order.forEach((c, i) => {
    const items = rows.get(c).sort((p, q) => p.a - q.a || p.b - q.b);
    const h = lanes(items) * LANE + PAD;
    if (i % 2) {
      const stripe = `<rect x="0" y="${y}" width="100%" height="${h}" fill="#f4f7fa"/>`;
      parts.push(stripe); names.push(stripe);
    }
    names.push(`<text class="wk-name" data-community="${esc(c)}" x="100%" dx="-6" y="${y + LANE - 2}" text-anchor="end" fill="#334">${esc(commName(c))}</text>`);
    for (const it of items) {
      const { d } = it;
      const s = stateOf(d);
      const w = Math.max(0.3, x(it.b) - x(it.a));
      const tip = t('wk_bar', d.id, d.title, windowText(d.start, endOf(d)), d.filled, d.headcount);
      parts.push(`<rect class="wk-bar ${s}" data-id="${esc(d.id)}" data-state="${s}" tabindex="0" role="button"
        aria-label="${esc(tip)}" x="${pc(x(it.a))}" y="${y + it.lane * LANE + 2}" width="${pc(w)}"
        height="${LANE - 3}" rx="2" fill="${COLOR[s]}"${S.weekOrder === d.id ? ' stroke="#e8a400" stroke-width="3"' : ''}><title>${esc(tip)}</title></rect>`);
    }
    y += h;
  });
  const height = Math.max(y, HEAD + 24) + 4;
  const grid = [];
  if (days === 1) {
    for (let hr = 0; hr <= 24; hr += 2) {
      const gx = pc((hr / 24) * 100);
      grid.push(`<line x1="${gx}" y1="${HEAD - 6}" x2="${gx}" y2="${height}" stroke="#d5dbe1"/>`);
      if (hr < 24) grid.push(`<text x="${gx}" dx="3" y="${HEAD - 10}" fill="#4a5563">${String(hr).padStart(2, '0')}:00</text>`);
    }
  } else {
    for (let k = 0; k <= days; k++) {
      const gx = pc((k / days) * 100);
      grid.push(`<line x1="${gx}" y1="${HEAD - 20}" x2="${gx}" y2="${height}" stroke="#9aa5b1"/>`);
      for (const q of [6, 12, 18]) {
        const qx = pc(((k + q / 24) / days) * 100);
        if (k < days) grid.push(`<line x1="${qx}" y1="${HEAD - 4}" x2="${qx}" y2="${height}" stroke="#e3e8ee"/>`);
      }
      if (k < days) {
        const day = addDays(from, k);
        grid.push(`<text x="${gx}" dx="4" y="${HEAD - 8}" fill="#1b2430" font-weight="600">${esc(t('wk_days')[k % 7])} ${short(day)}</text>`);
      }
    }
  }
  return `<div class="wk-grid"><svg id="wk-names" class="wk-names" height="${height}" style="height: ${height}px"
      font-size="12">${names.join('')}</svg>
    <svg id="week-svg" height="${height}" style="height: ${height}px" role="group" aria-label="${esc(t('wk_label'))}"
      font-size="12">${grid.join('')}${parts.join('')}</svg></div>`;
}

/** The picked order: its window and the cadres dispatched to it (active or completed). */
async function orderPanel() {
  const d = S.demById.get(S.weekOrder);
  if (!d) return `<p class="hint">${esc(t('wk_pick'))}</p>`;
  const ds = (await api(dpath(`/dispatches?demand=${encodeURIComponent(d.id)}&limit=100`))).data
    .filter((x) => x.status === 'active' || x.status === 'completed');
  const people = ds.map((x) => {
    const c = S.cadById.get(x.cadre);
    return `<li><button type="button" class="link cadre-week" data-cadre="${esc(x.cadre)}">${esc(x.cadre)} ${esc(c?.name || '')}</button>
      <span class="state ${esc(x.status)}">${esc(I18N[S.lang].st[x.status] || x.status)}</span></li>`;
  }).join('');
  return `<h3 id="wk-order-h">${esc(t('wk_order', d.id, d.title))}</h3>
    <p>${esc(windowText(d.start, endOf(d)))} · ${esc(commName(d.community))} · ${esc(`${d.filled}/${d.headcount}`)}
      <span class="state ${esc(d.stage)}">${esc(I18N[S.lang].stages[d.stage] || d.stage)}</span></p>
    <h4>${esc(t('wk_dispatched'))}</h4>${people ? `<ul id="wk-people">${people}</ul>` : `<p class="hint">${esc(t('wk_nobody'))}</p>`}`;
}

/** A cadre's week from their calendar: one row a day, hours across. */
function cadreWeek(cal) {
  const ROW = 28; const top = 22; const label = 96; const w = 660;
  // the server says when ongoing work holds every place (api/dated.py): such a day has no
  // free window (day.held), and the notice when it is so all the range (cal.fully_held)
  const full = cal.fully_held;
  const x = (mins) => label + (mins / DAY_MIN) * w;
  const parts = [`<defs><pattern id="wk-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
    <rect width="6" height="6" fill="#eef0f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9aa5b1" stroke-width="2"/></pattern></defs>`];
  for (let hr = 0; hr <= 24; hr += 3) {
    parts.push(`<line x1="${x(hr * 60)}" y1="${top - 4}" x2="${x(hr * 60)}" y2="${top + cal.days.length * ROW}" stroke="#e3e8ee"/>`);
    if (hr < 24) parts.push(`<text x="${x(hr * 60) + 2}" y="${top - 8}" fill="#4a5563">${String(hr).padStart(2, '0')}:00</text>`);
  }
  cal.days.forEach((day, i) => {
    const y = top + i * ROW;
    const wd = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(day.weekday);
    parts.push(`<text x="4" y="${y + 18}" fill="#1b2430">${esc(t('wk_days')[wd])} ${short(day.day)}</text>`);
    parts.push(`<rect x="${label}" y="${y + 2}" width="${w}" height="${ROW - 4}" fill="#fafbfc" stroke="#e3e8ee"/>`);
    if (day.away) {
      parts.push(`<rect class="away" data-day="${esc(day.day)}" x="${label}" y="${y + 2}" width="${w}" height="${ROW - 4}" fill="url(#wk-hatch)"><title>${esc(t('wk_away'))}</title></rect>
        <text x="${label + w / 2}" y="${y + 18}" text-anchor="middle" fill="#1b2430" font-weight="600">${esc(t('wk_away'))}</text>`);
    } else if (day.unavailable) { // marked 暂不可派 that day: nothing is proposed to them
      parts.push(`<rect class="leave" data-day="${esc(day.day)}" x="${label}" y="${y + 2}" width="${w}" height="${ROW - 4}" fill="url(#wk-hatch)"><title>${esc(t('wk_leave'))}</title></rect>
        <text x="${label + w / 2}" y="${y + 18}" text-anchor="middle" fill="#1b2430" font-weight="600">${esc(t('wk_leave'))}</text>`);
    } else if (day.held) { // ongoing work holds every place that day: no window is free
      parts.push(`<rect class="busy" data-day="${esc(day.day)}" x="${label}" y="${y + 2}" width="${w}" height="${ROW - 4}" fill="#f4d9b8"><title>${esc(t('wk_busy'))}</title></rect>`);
    } else {
      for (const [a, b] of day.free) {
        parts.push(`<rect class="free" x="${x(hm(a))}" y="${y + 2}" width="${x(hm(b)) - x(hm(a))}"
          height="${ROW - 4}" fill="#d8efdd"><title>${esc(t('wk_free'))} ${esc(a)}–${esc(b)}</title></rect>`);
      }
    }
    const d0 = minutes(day.day);
    for (const e of cal.entries.filter((en) => !en.ongoing)) {
      const a = Math.max(minutes(e.start), d0); const b = Math.min(minutes(e.end), d0 + DAY_MIN);
      if (b <= a) continue;
      const tip = t('wk_entry', e.demand, e.title, windowText(e.start, e.end), I18N[S.lang].st[e.status] || e.status);
      const bx = x(a - d0); const bw = Math.max(3, x(b - d0) - bx);
      parts.push(`<rect class="entry ${esc(e.status)}" data-demand="${esc(e.demand)}" x="${bx}" y="${y + 5}" width="${bw}" height="${ROW - 10}" rx="3"
        fill="${e.status === 'completed' ? '#4a5563' : '#0b5cad'}"><title>${esc(tip)}</title></rect>`);
      if (bw > 44) parts.push(`<text x="${bx + 4}" y="${y + 18}" fill="#fff" font-size="12">${esc(e.demand)}</text>`);
    }
  });
  const svg = `<svg id="cadre-week-svg" viewBox="0 0 ${label + w + 2} ${top + cal.days.length * ROW + 4}" style="width: 100%; height: auto"
    role="img" aria-label="${esc(t('wk_cadre_label'))}" font-size="13">${parts.join('')}</svg>`;
  const ongoing = cal.entries.filter((e) => e.ongoing).map((e) => `${e.demand} ${e.title}`);
  const hours = cal.weeks.map((wk) => `<li>${esc(t('wk_hours', wk.week, num(wk.hours, 1), wk.limit === null ? null : num(wk.limit, 1)))}</li>`).join('');
  return `<h3 id="wk-cadre-h">${esc(t('wk_cadre_h', cal.cadre, cal.name))}</h3>
    <p class="hint">${esc(t('wk_pattern', patternText(cal.available)))} · ${esc(t('wk_capacity', cal.capacity))}</p>
    ${full ? `<p class="notice" id="wk-full">${esc(t('wk_full', cal.ongoing, cal.capacity))}</p>` : ''}
    ${cal.until_lifted || cal.unavailable_until ? `<p class="notice" id="wk-leave">${esc(t('wk_leave_note', cal.until_lifted ? null : cal.unavailable_until))}</p>` : ''}
    <div class="legend"><span><i style="background: #d8efdd; border-radius: 2px"></i>${esc(t('wk_free'))}</span>
      ${cal.days.some((d) => d.held) ? `<span><i style="background: #f4d9b8; border-radius: 2px"></i>${esc(t('wk_busy'))}</span>` : ''}
      <span><i style="background: #9aa5b1; border-radius: 2px"></i>${esc(t('wk_away'))}</span>
      <span><i style="background: #0b5cad; border-radius: 2px"></i>${esc(t('wk_active'))}</span>
      <span><i style="background: #4a5563; border-radius: 2px"></i>${esc(t('wk_completed'))}</span></div>
    <div class="scroll">${svg}</div>
    <ul id="wk-hours">${hours}</ul>
    <p id="wk-ongoing">${esc(ongoing.length ? t('wk_ongoing', ongoing.join('、')) : t('wk_no_ongoing'))}</p>`;
}

export async function renderWeek() {
  const dated = S.demands.filter((d) => d.start && (d.end || d.hours) && d.status !== 'cancelled');
  if (!S.weekFrom) S.weekFrom = firstWeek(dated);
  const from = S.weekFrom;
  const days = S.weekDay ? 1 : 7;
  const first = S.weekDay || from;
  const shown = dated.filter((d) => minutes(endOf(d)) > minutes(first) && minutes(d.start) < minutes(first) + days * DAY_MIN);
  const count = { filled: 0, partly: 0, open: 0 };
  for (const d of shown) count[stateOf(d)] += 1;
  const dayBtns = [...Array(7).keys()].map((k) => {
    const day = addDays(from, k);
    return `<button type="button" class="wk-day${S.weekDay === day ? ' on' : ''}" data-day="${day}"
      aria-pressed="${S.weekDay === day}" title="${esc(t('wk_day_btn', short(day)))}">${esc(t('wk_days')[k])} ${short(day)}</button>`;
  }).join('');
  const legend = ['filled', 'partly', 'open'].map((s) =>
    `<span><i style="background: ${COLOR[s]}; border-radius: 2px"></i>${esc(I18N[S.lang].wk_legend[s])}</span>`).join('');
  const cal = S.weekCadre ? await api(dpath(`/cadres/${encodeURIComponent(S.weekCadre)}/calendar?from=${from}&to=${addDays(from, 6)}`)) : null;
  $('#view-week').innerHTML = `<div class="head"><h2 id="wk-h">${esc(t('wk_h'))}</h2>
      <button type="button" id="wk-prev">${esc(t('wk_prev'))}</button>
      <label>${esc(t('wk_week_of'))} ${dateInput('wk-date', first)}</label>
      <button type="button" id="wk-next">${esc(t('wk_next'))}</button></div>
    <div class="head wk-days"><button type="button" class="wk-day${S.weekDay ? '' : ' on'}" data-day="" aria-pressed="${!S.weekDay}">${esc(t('wk_whole'))}</button>${dayBtns}</div>
    <p class="hint" id="wk-line">${esc(t('wk_line', short(first), short(addDays(first, days - 1)), shown.length, count.filled, count.partly, count.open, zoneName()))}</p>
    <div class="legend">${legend}</div>
    ${shown.length ? `<div class="scroll tall" id="wk-scroll">${timeline(shown, first, days)}</div>` : `<p class="hint" id="wk-none">${esc(t('wk_none'))}</p>`}
    <div class="wk-below">
      <section class="card" id="wk-order" aria-live="polite">${await orderPanel()}</section>
      <section class="card" id="wk-cadre">
        <form id="wk-cadre-form" class="head"><label>${esc(t('wk_cadre_id'))} <input id="wk-cadre-id" type="text" value="${esc(S.weekCadre || '')}" size="10" spellcheck="false"></label>
          <button type="submit">${esc(t('wk_show'))}</button></form>
        ${cal ? cadreWeek(cal) : `<p class="hint">${esc(t('wk_cadre_open'))}</p>`}
      </section>
    </div>`;
}

const rerender = () => guarded(renderWeek);

export function wireWeek() {
  const view = $('#view-week');
  view.addEventListener('click', (e) => {
    const bar = e.target.closest('rect.wk-bar');
    if (bar) { S.weekOrder = bar.dataset.id; rerender(); return; }
    const who = e.target.closest('button.cadre-week');
    if (who) { S.weekCadre = who.dataset.cadre; rerender(); return; }
    const day = e.target.closest('button.wk-day');
    if (day) { S.weekDay = day.dataset.day || null; rerender(); return; }
    if (e.target.closest('#wk-prev')) { S.weekFrom = addDays(S.weekFrom, -7); S.weekDay = null; rerender(); }
    if (e.target.closest('#wk-next')) { S.weekFrom = addDays(S.weekFrom, 7); S.weekDay = null; rerender(); }
  });
  view.addEventListener('keydown', (e) => {
    const bar = e.target.closest('rect.wk-bar');
    if (bar && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); S.weekOrder = bar.dataset.id; rerender(); }
  });
  view.addEventListener('change', (e) => {
    if (e.target.id !== 'wk-date') return;
    guarded(async () => { // clears the banner of an earlier bad day, even when now empty
      if (!e.target.value.trim()) return; // an empty field keeps the week shown
      S.weekFrom = monday(dateValue('wk-date'));
      S.weekDay = null;
      await rerender();
    });
  });
  view.addEventListener('submit', (e) => {
    if (e.target.id !== 'wk-cadre-form') return;
    e.preventDefault();
    const id = $('#wk-cadre-id').value.trim();
    const was = S.weekCadre;
    S.weekCadre = id || null;
    guarded(async () => {
      try { await renderWeek(); } catch (err) { S.weekCadre = was; throw err; }
    });
  });
}
