// Shared state and tiny DOM helpers of the console. Every other module imports from here,
// and this module imports nothing, so the module graph has one root.

export const S = {
  lang: localStorage.getItem('matcher.lang') === 'en' ? 'en' : 'zh',
  token: sessionStorage.getItem('matcher.token') || '',
  me: null, districts: [], district: null, zone: 'Asia/Shanghai', view: 'overview',
  messages: { zh: null, en: null },
  tax: null, tags: new Map(), communities: [], commById: new Map(), demands: [], demById: new Map(),
  cadres: [], cadById: new Map(), category: 'all', picked: null, layout: null,
  proposal: null, declines: [], sort: { key: 'score', dir: -1 }, filter: '', stateFilter: 'all',
  selected: new Set(), open: null, busy: false, job: null, jobCancelling: false, proposing: null,
  dispatches: [], dispFilter: 'active', whatif: null, whatifJob: null, whatifRun: null, whatifCancelling: false,
  demFilter: 'open', demSearch: '', demForm: false, draftNeeds: [], draftItem: '', catalogue: null,
  supply: new Map(), mapShow: 'demand',
  cadSearch: '', cadFilter: 'all', cadOpen: null, cadMode: 'history', history: null, record: null,
  warnings: [], warnFilter: 'pending', warnRule: 'all', warnPicked: new Set(), warnFailures: [], warnNote: '',
  audit: { action: '', actor: '', from: '', to: '', page: 0, open: null }, auditRows: [],
  weekFrom: null, weekDay: null, weekOrder: null, weekCadre: null,
};

export const $ = (sel, root = document) => root.querySelector(sel);
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const key = (a) => `${a.cadre}|${a.demand}`;
/** 24-hour wall-clock parts per zone, made once each, with the zone's name. A zone the
 *  browser does not know (its time zone data older than the server's) reads UTC, and is
 *  named so. */
const PARTS = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
const CLOCKS = new Map();
function clock(zone) {
  if (!CLOCKS.has(zone)) {
    let f = null;
    try { f = new Intl.DateTimeFormat('en-US', { ...PARTS, timeZone: zone }); } catch { /* not known here */ }
    CLOCKS.set(zone, f ? { f, name: zone } : { f: new Intl.DateTimeFormat('en-US', { ...PARTS, timeZone: 'UTC' }), name: 'UTC' });
  }
  return CLOCKS.get(zone);
}
/** The zone the console shows and reads times in: the shown district's (its policy's
 *  `timezone`, which GET /v1/districts names), the way the server counts its days. */
export const zoneName = () => clock(S.zone).name;
/** The wall clock of the instant `ms` in `zone`, as milliseconds read as if UTC (so that
 *  `new Date(…).toISOString()` writes the local time): Intl knows each date's offset,
 *  summer time included. */
function wall(ms, zone = S.zone) {
  const p = Object.fromEntries(clock(zone).f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const d = new Date(0);
  d.setUTCFullYear(Number(p.year), Number(p.month) - 1, Number(p.day)); // Date.UTC reads 1-99 as 19xx
  d.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), ((ms % 1000) + 1000) % 1000);
  return d.getTime();
}
const DAY_MS = 86400000;
/** The shown district's local day of the instant `ms` ("2026-12-09"). */
const dayOf = (ms, zone = S.zone) => new Date(wall(ms, zone)).toISOString().slice(0, 10);
/** Today in the shown district ("2026-12-09"), which need not be Beijing's. */
export const today = () => dayOf(Date.now());

/** A stored time stamp (UTC, ISO 8601 with its offset) in the shown district's clock
 *  (`zoneName`), to the second: "2026-12-06 20:01:08"; other text as it is. */
export function local(iso) {
  const s = String(iso ?? '');
  const ms = /T.*(Z|[+-]\d\d:?\d\d)$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(ms)) return s.replace('T', ' ').slice(0, 19) || '—';
  return new Date(wall(ms)).toISOString().slice(0, 19).replace('T', ' ');
}
/** A stored time stamp in the district's clock, to the minute (every time the console shows). */
export const when = (iso) => (iso ? local(iso).slice(0, 16) : '—');

/** The first instant (ms since 1970) of the local day `day` ("2026-12-09") in `zone`: its
 *  midnight at the offset valid that night (a zone with summer time has two), or, where the
 *  clocks skip midnight, the moment they jump to. Each offset in force around the day gives
 *  a candidate; the earliest that falls on the day is its start. */
export function dayStart(day, zone = S.zone) {
  const w = Date.parse(`${day}T00:00:00Z`);
  const offsets = new Set([w - DAY_MS, w, w + DAY_MS].map((x) => wall(x, zone) - x));
  const starts = [...offsets].map((o) => w - o).filter((x) => dayOf(x, zone) === day);
  return starts.length ? Math.min(...starts) : w - (wall(w, zone) - w);
}
const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');
/** The last millisecond of the local day `day` in `zone`: the next day's start, less 1 ms. */
export function dayEnd(day, zone = S.zone) {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString();
  return next.length > 24 ? LAST : dayStart(next.slice(0, 10), zone) - 1; // past 9999: "+010000-…"
}
/** An instant as the API reads it (UTC ISO 8601, "2026-12-09T08:00:00.000Z"), kept within
 *  the years 1-9999 it can read. */
export const utcText = (ms) => new Date(Math.min(Math.max(ms, FIRST), LAST)).toISOString();

/** What the caller's role may do (the API's rules: docs/api.md "Security"); the page only
 *  shows what the role can do, so no button answers 403. A supervisor reads proposals,
 *  declines, dispatches, the district, the lending ledger and the audit trail, and nothing else. */
export const can = {
  read: () => ['admin', 'dispatcher', 'planner', 'analyst'].includes(S.me?.role),
  audit: () => ['admin', 'supervisor'].includes(S.me?.role),
  ledger: () => ['admin', 'dispatcher', 'planner', 'analyst', 'supervisor'].includes(S.me?.role),
  propose: () => ['admin', 'dispatcher', 'planner'].includes(S.me?.role),
  write: () => ['admin', 'dispatcher'].includes(S.me?.role),
  whatif: () => ['admin', 'planner'].includes(S.me?.role),
};

/** The status line. Given a function (``() => t('loaded', …)``), it is said again in the other
 *  language when the language is switched (:func:`sayStatusAgain`); given text, it stays as it is. */
let statusText = null;
export function setStatus(msg) {
  statusText = typeof msg === 'function' ? msg : null;
  $('#status').textContent = (statusText ? statusText() : msg) || '';
}
export function sayStatusAgain() { if (statusText) $('#status').textContent = statusText() || ''; }

/** A table whose cells carry their column name, so that below 640 px each row can be a card. */
export function table(id, cols, rows, { cls = '' } = {}) {
  return `<table class="grid cards ${cls}" id="${id}"><thead><tr>${cols.map((c) =>
    `<th scope="col"${c.cls ? ` class="${c.cls}"` : ''}>${c.head ?? esc(c.label)}</th>`).join('')}</tr></thead>
    <tbody>${rows.map((r) => `<tr${r.attrs || ''}>${r.cells.map((html, i) => {
      const c = cols[i];
      return `<td data-label="${esc(c.label)}"${c.cls ? ` class="${c.cls}"` : ''}>${html}</td>`;
    }).join('')}</tr>`).join('')}</tbody></table>`;
}
