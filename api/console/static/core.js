// Shared state and tiny DOM helpers of the console. Every other module imports from here,
// and this module imports nothing, so the module graph has one root.

export const S = {
  lang: localStorage.getItem('matcher.lang') === 'en' ? 'en' : 'zh',
  token: sessionStorage.getItem('matcher.token') || '',
  me: null, districts: [], district: null, view: 'overview',
  messages: { zh: null, en: null },
  tax: null, tags: new Map(), communities: [], commById: new Map(), demands: [], demById: new Map(),
  cadres: [], cadById: new Map(), category: 'all', picked: null, layout: null,
  proposal: null, declines: [], sort: { key: 'score', dir: -1 }, filter: '', stateFilter: 'all',
  selected: new Set(), open: null, busy: false, job: null, jobCancelling: false, proposing: null,
  dispatches: [], dispFilter: 'active', whatif: null,
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
/** A stored time stamp (UTC, ISO 8601 with its offset) in the districts' clock, Beijing time
 *  (UTC+8, no daylight saving), to the second: "2026-12-06 20:01:08"; other text as it is. */
export function beijing(iso) {
  const s = String(iso ?? '');
  const ms = /T.*(Z|[+-]\d\d:?\d\d)$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(ms)) return s.replace('T', ' ').slice(0, 19) || '—';
  return new Date(ms + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
/** A stored time stamp in Beijing time, to the minute (every time the console shows). */
export const when = (iso) => (iso ? beijing(iso).slice(0, 16) : '—');

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
