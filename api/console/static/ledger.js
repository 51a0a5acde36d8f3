// The lending ledger (社区互助账本): per community, the hours its cadres lent to other
// communities and received from them over a period, and the flows between the most active
// communities as a matrix heat map (plain SVG). Every figure is the server's (GET …/ledger);
// its words join I18N when this module loads, so the view is one module.

import { $, S, esc, table } from './core.js';
import { api, dpath } from './api.js';
import { I18N, num, t } from './i18n.js';
import { dateInput, dateValue, guarded } from './ui.js';

/** How many communities the flow picture shows: the most active ones (the table shows all). */
const TOP = 12;
const HEAT = ['#eaf3fb', '#bcd7ee', '#7fb0db', '#3f82c0', '#164f8a'];
const CELL = 30;
const LABEL = 96;

Object.assign(I18N.zh, {
  tab_ledger: '互助账本',
  lg_h: '社区互助账本', lg_from: '起', lg_to: '止', lg_show: '查询',
  lg_period: (a, b, n) => `${a} 至 ${b}：已完成派遣 ${n} 次（默认近 90 天，按完成日计；差额＝借入−借出）`,
  lg_lent: '借出工时', lg_received: '借入工时', lg_balance: '差额', lg_home: '本社区服务',
  lg_lent_to: '主要借给', lg_received_from: '主要来自',
  lg_flows_h: (n) => `互助流向（最活跃的 ${n} 个社区，行＝干部所属社区，列＝服务社区）`,
  lg_flows_label: '社区间互助工时热力图：行是干部所属社区，列是服务的社区，颜色越深工时越多',
  lg_cell: (a, b, h) => `${a} → ${b}：${h} 小时`,
  lg_none: '此期间没有已完成的派遣。',
  lg_hours: (h) => `${h} 小时`,
});
Object.assign(I18N.en, {
  tab_ledger: 'Ledger',
  lg_h: 'Lending ledger', lg_from: 'From', lg_to: 'To', lg_show: 'Show',
  lg_period: (a, b, n) => `${a} – ${b}: ${n} completed dispatches (default the last 90 days, by day completed; balance = received − lent)`,
  lg_lent: 'Hours lent', lg_received: 'Hours received', lg_balance: 'Balance', lg_home: 'At home',
  lg_lent_to: 'Lent most to', lg_received_from: 'Received most from',
  lg_flows_h: (n) => `Flows (the ${n} most active communities; rows: the cadres' home, columns: where they served)`,
  lg_flows_label: 'Heat map of hours between communities: rows are the cadres\' home, columns where they served; darker is more hours',
  lg_cell: (a, b, h) => `${a} → ${b}: ${h} h`,
  lg_none: 'No completed dispatch in this period.',
  lg_hours: (h) => `${h} h`,
});

const partners = (list, names) => list.map((p) => `${esc(names.get(p.community) || p.community)} ${esc(num(p.hours, 1))}`).join('<br>') || '—';
const signed = (v) => (v > 0 ? `+${num(v, 1)}` : num(v, 1));

function heat(v, max) {
  if (!v) return '#ffffff';
  return HEAT[Math.min(HEAT.length - 1, Math.floor((v / max) * HEAT.length - 1e-9))];
}

/** The SVG matrix of the TOP most active communities (lent + received), in the ledger's order. */
function flowPicture(led, names) {
  const active = led.communities.map((c, i) => ({ i, c, v: c.lent + c.received }))
    .filter((x) => x.v > 0).sort((a, b) => b.v - a.v).slice(0, TOP).sort((a, b) => a.i - b.i);
  if (active.length < 2) return '';
  let max = 0;
  for (const a of active) for (const b of active) if (a.i !== b.i) max = Math.max(max, led.flows[a.i][b.i]);
  const n = active.length;
  const size = LABEL + n * CELL;
  const width = size + LABEL / 2; // the last column's slanted name reaches past the cells
  const label = (x) => esc(names.get(x.c.id) || x.c.id);
  const cols = active.map((b, j) => `<text x="${LABEL + j * CELL + CELL / 2}" y="${LABEL - 6}"
    transform="rotate(-60 ${LABEL + j * CELL + CELL / 2} ${LABEL - 6})" fill="#334">${label(b)}</text>`).join('');
  const rows = active.map((a, i) => {
    const cells = active.map((b, j) => {
      const h = a.i === b.i ? 0 : led.flows[a.i][b.i];
      const tip = t('lg_cell', names.get(a.c.id) || a.c.id, names.get(b.c.id) || b.c.id, num(h, 1));
      return `<rect x="${LABEL + j * CELL}" y="${LABEL + i * CELL}" width="${CELL - 1}" height="${CELL - 1}"
        fill="${a.i === b.i ? '#d5dbe1' : heat(h, max)}" data-from="${esc(a.c.id)}" data-to="${esc(b.c.id)}"
        data-hours="${h}"><title>${esc(tip)}</title></rect>`;
    }).join('');
    return `<text x="${LABEL - 4}" y="${LABEL + i * CELL + CELL / 2 + 4}" text-anchor="end" fill="#334">${label(a)}</text>${cells}`;
  }).join('');
  return `<h3 id="lg-flows-h">${esc(t('lg_flows_h', n))}</h3>
    <svg id="ledger-flows" viewBox="0 0 ${width} ${size}" style="width: 100%; max-width: ${width}px; height: auto"
      role="img" aria-label="${esc(t('lg_flows_label'))}" font-size="11">${cols}${rows}</svg>`;
}

export async function renderLedger() {
  const q = new URLSearchParams();
  if (S.ledgerFrom) q.set('from', S.ledgerFrom);
  if (S.ledgerTo) q.set('to', S.ledgerTo);
  const led = await api(dpath(`/ledger${q.toString() ? `?${q}` : ''}`));
  const names = new Map(led.communities.map((c) => [c.id, c.name]));
  const cols = [
    { label: t('community') }, { label: t('lg_lent'), cls: 'n' }, { label: t('lg_received'), cls: 'n' },
    { label: t('lg_balance'), cls: 'n' }, { label: t('lg_home'), cls: 'n' },
    { label: t('lg_lent_to') }, { label: t('lg_received_from') },
  ];
  const rows = led.communities.map((c) => ({
    attrs: ` data-id="${esc(c.id)}"`,
    cells: [`${esc(c.id)} ${esc(c.name)}`, esc(num(c.lent, 1)), esc(num(c.received, 1)),
      `<span style="color: ${c.balance < 0 ? '#a4262c' : '#1d6b3a'}">${esc(signed(c.balance))}</span>`, esc(num(c.home, 1)),
      partners(c.lent_to, names), partners(c.received_from, names)],
  }));
  $('#view-ledger').innerHTML = `<div class="head"><h2 id="lg-h">${esc(t('lg_h'))}</h2>
      <form id="lg-form" class="head">
        <label>${esc(t('lg_from'))} ${dateInput('lg-from', led.start)}</label>
        <label>${esc(t('lg_to'))} ${dateInput('lg-to', led.end)}</label>
        <button type="submit">${esc(t('lg_show'))}</button></form></div>
    <p class="hint" id="lg-period">${esc(t('lg_period', led.start, led.end, led.dispatches))}</p>
    ${led.dispatches ? '' : `<p class="hint">${esc(t('lg_none'))}</p>`}
    <div class="scroll tall">${table('ledger-table', cols, rows)}</div>
    ${flowPicture(led, names)}`;
}

export function wireLedger() {
  $('#view-ledger').addEventListener('submit', (e) => {
    if (e.target.id !== 'lg-form') return;
    e.preventDefault();
    const was = [S.ledgerFrom, S.ledgerTo];
    guarded(async () => {
      [S.ledgerFrom, S.ledgerTo] = [dateValue('lg-from'), dateValue('lg-to')];
      try {
        await renderLedger();
      } catch (err) { // a refused period is not kept: the table shown is still the last one's
        [S.ledgerFrom, S.ledgerTo] = was;
        throw err;
      }
    });
  });
}
