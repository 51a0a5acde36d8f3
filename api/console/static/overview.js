// The overview: communities on an SVG map coloured by unmet demand (or, from the server's
// summary, by qualified free supply or the gap between them), street outlines and names,
// a community's numbers, and the demands and cadres behind them.

import { $, S, esc, table } from './core.js';
import { catName, st, t, word } from './i18n.js';

const HEAT = ['#fff3b0', '#fdc25b', '#f7863a', '#d9472b', '#8f1426'];
const GREEN = ['#e5f5e0', '#a1d99b', '#74c476', '#31a354', '#006d2c'];
/** What a dot's colour shows: demand (here, by skill category), or the server's summary. */
const SHOWS = ['demand', 'supply', 'gap'];
const cell = (id) => S.supply.get(id) || { slots: 0, supply: 0, balance: 0 };
const gapOf = (id) => Math.max(0, -cell(id).balance);
export const ZERO = '#e4eaef';
const R = 12; // the largest dot; the layout keeps every two dots this far from touching
const GAP = 2;
const PAD = R + 8; // how far a street's outline stands off its communities

const touches = (d, cat) => [...Object.keys(d.needs), ...Object.keys(d.requires)].some((s) => s.startsWith(cat + '.'));
export const commName = (id) => S.commById.get(id)?.name || id;
export const cadreLabel = (id) => { const c = S.cadById.get(id); return c ? `${id} ${c.name}` : id; };
const isOpen = (d) => d.status === 'open';
const unfilled = (d) => Math.max(0, d.headcount - d.filled);

function unmet() {
  const m = new Map();
  for (const d of S.demands) {
    if (!isOpen(d) || (S.category !== 'all' && !touches(d, S.category))) continue;
    const slots = unfilled(d);
    const e = m.get(d.community) || { open: 0, slots: 0, weighted: 0, demands: [] };
    e.open += 1; e.slots += slots; e.weighted += slots * d.priority; e.demands.push(d);
    m.set(d.community, e);
  }
  return m;
}

function residents() {
  const m = new Map();
  for (const c of S.cadres) {
    const e = m.get(c.home) || { n: 0, free: 0 };
    e.n += 1;
    if (c.status !== 'red' && !c.unavailable) e.free += Math.max(0, c.capacity - c.active_dispatches);
    m.set(c.home, e);
  }
  return m;
}

function heatColour(v, max, scale = HEAT) {
  if (!v) return ZERO;
  return scale[Math.min(scale.length - 1, Math.floor((v / max) * scale.length - 1e-9))];
}

// ------------------------------------------------------------------ layout
/**
 * Project the communities (longitude scaled by cos latitude, 600 units on the longer side),
 * then push apart every two dots closer than two largest radii, in a fixed order and a fixed
 * number of rounds: the same data always gives the same picture, and no dot hides another
 * whatever the category shown.
 */
function layout(cs) {
  const lats = cs.map((c) => c.lat), lons = cs.map((c) => c.lon);
  const k = Math.cos(((Math.min(...lats) + Math.max(...lats)) / 2) * Math.PI / 180);
  const x0 = Math.min(...lons), y1 = Math.max(...lats);
  const spanX = Math.max(1e-6, (Math.max(...lons) - x0) * k), spanY = Math.max(1e-6, y1 - Math.min(...lats));
  const s = 600 / Math.max(spanX, spanY);
  const pts = [...cs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => ({ id: c.id, street: c.street, x: (c.lon - x0) * k * s, y: (y1 - c.lat) * s }));
  separate(pts, 2 * R + GAP);
  return pts;
}

function separate(pts, D) {
  for (let round = 0; round < 500; round += 1) {
    const grid = new Map();
    const cell = (v) => Math.floor(v / D);
    pts.forEach((p, i) => {
      const g = `${cell(p.x)},${cell(p.y)}`;
      if (!grid.has(g)) grid.set(g, []);
      grid.get(g).push(i);
    });
    let moved = false;
    pts.forEach((p, i) => {
      const cx = cell(p.x), cy = cell(p.y);
      for (let gx = cx - 1; gx <= cx + 1; gx += 1) {
        for (let gy = cy - 1; gy <= cy + 1; gy += 1) {
          for (const j of grid.get(`${gx},${gy}`) || []) {
            if (j <= i) continue;
            const q = pts[j];
            let dx = q.x - p.x, dy = q.y - p.y, d = Math.hypot(dx, dy);
            if (d >= D) continue;
            if (d < 1e-6) { // the same spot: part them along a direction fixed by their order
              const a = ((i * 137 + j * 61) % 360) * Math.PI / 180;
              dx = Math.cos(a); dy = Math.sin(a); d = 1;
            } else { dx /= d; dy /= d; }
            const push = (D - Math.min(d, D)) / 2 + 0.05;
            p.x -= dx * push; p.y -= dy * push; q.x += dx * push; q.y += dy * push;
            moved = true;
          }
        }
      }
    });
    if (!moved) return;
  }
}

function convexHull(points) {
  const ps = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (ps.length < 3) return ps;
  const cross = (o, a, b) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower = [], upper = [];
  for (const p of ps) { while (lower.length >= 2 && cross(lower.at(-2), lower.at(-1), p) <= 0) lower.pop(); lower.push(p); }
  for (const p of ps.reverse()) { while (upper.length >= 2 && cross(upper.at(-2), upper.at(-1), p) <= 0) upper.pop(); upper.push(p); }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** A street's outline: the convex hull of its communities, grown by PAD on every side. */
function streetOutline(pts) {
  const ring = [];
  for (const p of pts) for (let i = 0; i < 16; i += 1) {
    const a = (i / 16) * 2 * Math.PI;
    ring.push({ x: p.x + PAD * Math.cos(a), y: p.y + PAD * Math.sin(a) });
  }
  return convexHull(ring);
}

function streets(pts) {
  const by = new Map();
  for (const p of pts) { if (!by.has(p.street)) by.set(p.street, []); by.get(p.street).push(p); }
  const out = [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, ps]) => ({
    name, outline: streetOutline(ps),
    x: ps.reduce((v, p) => v + p.x, 0) / ps.length, y: ps.reduce((v, p) => v + p.y, 0) / ps.length,
  }));
  placeNames(out, pts);
  return out;
}

const inside = (poly, x, y) => {
  let yes = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i, i += 1) {
    const a = poly[i], b = poly[j];
    if ((a.y > y) !== (b.y > y) && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) yes = !yes;
  }
  return yes;
};

/**
 * Put each street's name on the free spot nearest its communities' centre: a spot where the
 * name's box touches no dot (at the largest radius) and no name placed before, inside the
 * street's outline when it can be. Fixed candidates in a fixed order: always the same picture.
 */
function placeNames(sts, pts) {
  const H = 15, placed = [];
  const clear = (x, y, w) => {
    const x0 = x - w / 2 - 2, x1 = x + w / 2 + 2, y0 = y - H / 2 - 1, y1 = y + H / 2 + 1;
    for (const p of pts) {
      const cx = Math.max(x0, Math.min(p.x, x1)), cy = Math.max(y0, Math.min(p.y, y1));
      if (Math.hypot(p.x - cx, p.y - cy) < R + 1) return false;
    }
    return placed.every((b) => x1 < b.x0 || x0 > b.x1 || y1 < b.y0 || y0 > b.y1);
  };
  const offsets = [];
  for (let dx = -150; dx <= 150; dx += 4) for (let dy = -150; dy <= 150; dy += 3) offsets.push([dx, dy]);
  offsets.sort((a, b) => Math.hypot(...a) - Math.hypot(...b) || a[0] - b[0] || a[1] - b[1]);
  for (const s of sts) {
    const w = s.name.length * 12.5;
    const free = offsets.filter(([dx, dy]) => clear(s.x + dx, s.y + dy, w));
    const best = free.find(([dx, dy]) => inside(s.outline, s.x + dx, s.y + dy)) || free[0] || [0, 0];
    s.x += best[0]; s.y += best[1]; s.w = w; s.h = H;
    placed.push({ x0: s.x - w / 2 - 2, x1: s.x + w / 2 + 2, y0: s.y - H / 2 - 1, y1: s.y + H / 2 + 1 });
  }
}

// ------------------------------------------------------------------ view
export function renderOverview() {
  const view = $('#view-overview');
  const cats = S.tax?.categories || [];
  view.innerHTML = `
    <div class="head"><h2 id="ov-h">${esc(t('ov_h'))}</h2>
      <label>${esc(t('map_show'))}
        <select id="mapshow">${SHOWS.map((m) => `<option value="${m}"${m === S.mapShow ? ' selected' : ''}>${esc(t(`show_${m}`))}</option>`).join('')}</select></label>
      <label>${esc(t('category'))}
        <select id="cat"${S.mapShow === 'demand' ? '' : ' disabled'}><option value="all">${esc(t('all'))}</option>
          ${cats.map((c) => `<option value="${esc(c.slug)}"${c.slug === S.category ? ' selected' : ''}>${esc(catName(c))}</option>`).join('')}
        </select></label></div>
    <div class="overview">
      <div class="mapbox"><div id="map"></div><div id="legend" class="legend"></div></div>
      <div class="side">
        <aside id="cinfo" class="card cinfo" aria-live="polite"></aside>
        <section aria-labelledby="dem-h"><h3 id="dem-h">${esc(t('demands_h'))}</h3><div id="dtab"></div></section>
        <section aria-labelledby="cad-h"><h3 id="cad-h">${esc(t('cadres_h'))}</h3><div id="ctab"></div></section>
      </div>
    </div>`;
  $('#cat').value = S.category;
  drawMap();
  drawCommunityInfo();
  drawOverviewTables();
}

export function drawMap() {
  const cs = S.communities;
  if (!cs.length) { $('#map').textContent = '—'; return; }
  const U = unmet();
  const value = S.mapShow === 'supply' ? (id) => cell(id).supply
    : S.mapShow === 'gap' ? gapOf : (id) => (U.get(id) || { weighted: 0 }).weighted;
  const scale = S.mapShow === 'supply' ? GREEN : HEAT;
  const max = Math.max(0, ...cs.map((c) => value(c.id)));
  if (!S.layout) { const pts = layout(cs); S.layout = { pts, streets: streets(pts) }; }
  const { pts } = S.layout;
  const sts = S.layout.streets;
  const xs = [...pts.map((p) => p.x), ...sts.flatMap((s) => [...s.outline.map((q) => q.x), s.x - s.w / 2, s.x + s.w / 2])];
  const ys = [...pts.map((p) => p.y), ...sts.flatMap((s) => [...s.outline.map((q) => q.y), s.y - s.h / 2, s.y + s.h / 2])];
  const mx = Math.min(...xs) - 4, my = Math.min(...ys) - 4;
  const W = Math.max(...xs) - mx + 4, H = Math.max(...ys) - my + 4;
  const P = (v) => v.toFixed(1);
  const outlines = sts.map((s) => `<path class="street" d="M${s.outline.map((q) => `${P(q.x - mx)} ${P(q.y - my)}`).join('L')}Z"/>`).join('');
  const names = sts.map((s) => `<text class="street-name" x="${P(s.x - mx)}" y="${P(s.y - my)}">${esc(s.name)}</text>`).join('');
  const dots = pts.map((p) => {
    const c = S.commById.get(p.id);
    const e = U.get(p.id) || { open: 0, slots: 0, weighted: 0 };
    const r = 5 + Math.min(R - 5, e.slots);
    const more = S.mapShow === 'demand' ? '' : `，${t('c_supply')} ${cell(p.id).supply}，${t('c_gap')} ${gapOf(p.id)}`;
    const label = `${c.name}（${c.street}）：${t('c_slots')} ${e.slots}，${t('c_weighted')} ${e.weighted}${more}`;
    return `<circle class="dot${S.picked === p.id ? ' picked' : ''}" data-c="${esc(p.id)}" cx="${P(p.x - mx)}" cy="${P(p.y - my)}"
      r="${r}" fill="${heatColour(value(p.id), max, scale)}" tabindex="0" role="button"
      aria-label="${esc(label)}"><title>${esc(label)}</title></circle>`;
  }).join('');
  $('#map').innerHTML = `<svg viewBox="0 0 ${W.toFixed(0)} ${H.toFixed(0)}" role="group" aria-label="${esc(t('map_label'))}">
    <rect x="0" y="0" width="100%" height="100%" class="sea"/><g aria-hidden="true">${outlines}</g>
    <g aria-hidden="true">${names}</g>${dots}</svg>`;
  const steps = scale.map((col, i) => {
    const lo = Math.floor((i * max) / HEAT.length) + 1, hi = Math.floor(((i + 1) * max) / HEAT.length);
    if (!max || lo > hi) return ''; // fewer values than colours: an empty step is left out
    return `<span><i style="background:${col}"></i>${lo === hi ? hi : `${lo}–${hi}`}</span>`;
  }).join('');
  const legend = S.mapShow === 'demand' ? t('legend') : t(`legend_${S.mapShow}`);
  $('#legend').innerHTML = `<b>${esc(legend)}</b> <span><i style="background:${ZERO}"></i>${esc(t('none'))}</span>${steps}
    <span><i class="street-key"></i>${esc(t('streets_legend'))}</span>`;
}

export function drawCommunityInfo() {
  const box = $('#cinfo');
  if (!box) return;
  const c = S.picked && S.commById.get(S.picked);
  if (!c) { box.innerHTML = `<p class="hint">${esc(t('pick_hint'))}</p>`; return; }
  const e = unmet().get(c.id) || { open: 0, slots: 0, weighted: 0 };
  const r = residents().get(c.id) || { n: 0, free: 0 };
  box.innerHTML = `<h3>${esc(c.name)} <small>${esc(c.id)}</small></h3>
    <dl class="nums">
      <dt>${esc(t('street'))}</dt><dd>${esc(c.street)}</dd>
      <dt>${esc(t('c_open'))}</dt><dd data-k="open">${e.open}</dd>
      <dt>${esc(t('c_slots'))}</dt><dd data-k="slots">${e.slots}</dd>
      <dt>${esc(t('c_weighted'))}</dt><dd data-k="weighted">${e.weighted}</dd>
      <dt>${esc(t('c_cadres'))}</dt><dd>${r.n}</dd>
      <dt>${esc(t('c_free'))}</dt><dd>${r.free}</dd>
      <dt>${esc(t('c_supply'))}</dt><dd data-k="supply">${cell(c.id).supply}</dd>
      <dt>${esc(t('c_gap'))}</dt><dd data-k="gap">${gapOf(c.id)}</dd>
    </dl><button type="button" id="unpick">${esc(t('clear'))}</button>`;
}

export function drawOverviewTables() {
  const U = unmet();
  let ds = [...U.values()].flatMap((e) => e.demands);
  if (S.picked) ds = ds.filter((d) => d.community === S.picked);
  ds.sort((a, b) => unfilled(b) * b.priority - unfilled(a) * a.priority || a.id.localeCompare(b.id));
  const dshow = ds.slice(0, 40);
  $('#dtab').innerHTML = `<p class="hint">${esc(t('shown', dshow.length, ds.length))}</p>
    <div class="scroll">${table('demands-table', [
      { label: t('id') }, { label: t('title_col') }, { label: t('community') }, { label: t('priority') },
      { label: t('filled') }, { label: t('stage') }],
    dshow.map((d) => ({ cells: [esc(d.id), esc(d.title), esc(commName(d.community)), d.priority,
      `${d.filled}/${d.headcount}`, esc(stageOf(d))] })))}</div>`;
  let cs = S.cadres;
  if (S.picked) cs = cs.filter((c) => c.home === S.picked);
  cs = [...cs].sort((a, b) => b.active_dispatches - a.active_dispatches || b.capacity - a.capacity || a.id.localeCompare(b.id));
  const cshow = cs.slice(0, 40);
  $('#ctab').innerHTML = `<p class="hint">${esc(t('shown', cshow.length, cs.length))}</p>
    <div class="scroll">${table('cadres-table', [
      { label: t('id') }, { label: t('name') }, { label: t('home') }, { label: t('status') }, { label: t('load') }],
    cshow.map((c) => ({ cells: [esc(c.id), `<span class="cname">${esc(c.name)}</span>`, esc(commName(c.home)),
      tri(c), load(c)] })))}</div>`;
}

export const tri = (c) => `<span class="tri ${esc(c.status)}" aria-hidden="true"></span>${esc(st(c.status))}`;
export const load = (c) => `<meter min="0" max="${Math.max(1, c.capacity)}" value="${c.active_dispatches}"></meter> ${c.active_dispatches}/${c.capacity}`;
/** A demand's stage in words (the server's `stage`, or its `status` on an older server). */
export const stageOf = (d) => word('stages', d.stage ?? d.status);

export function pick(id) {
  S.picked = id;
  for (const el of document.querySelectorAll('#map .dot')) el.classList.toggle('picked', el.dataset.c === id);
  drawCommunityInfo();
  drawOverviewTables();
}

export function wireOverview() {
  const ov = $('#view-overview');
  ov.addEventListener('change', (e) => {
    if (e.target.id === 'cat') { S.category = e.target.value; drawMap(); drawCommunityInfo(); drawOverviewTables(); }
    if (e.target.id === 'mapshow') { S.mapShow = e.target.value; $('#cat').disabled = S.mapShow !== 'demand'; drawMap(); }
  });
  ov.addEventListener('click', (e) => {
    const dot = e.target.closest('.dot');
    if (dot) pick(dot.dataset.c);
    if (e.target.id === 'unpick') pick(null);
  });
  ov.addEventListener('keydown', (e) => {
    const dot = e.target.closest('.dot');
    if (dot && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); pick(dot.dataset.c); }
  });
  ov.addEventListener('focusin', (e) => { const dot = e.target.closest('.dot'); if (dot) { S.picked = dot.dataset.c; drawCommunityInfo(); } });
  ov.addEventListener('mouseover', (e) => { const dot = e.target.closest('.dot'); if (dot && !S.picked) { S.picked = dot.dataset.c; drawCommunityInfo(); S.picked = null; } });
}
