// What-if (planners): a scenario against the baseline, from knobs or an uploaded TOML file.

import { $, S, can, esc, setStatus } from './core.js';
import { ApiError, api, dpath, hasRoute, jobFailure, pollJob, write } from './api.js';
import { catName, num, pct, say, t } from './i18n.js';
import { cadreLabel } from './overview.js';
import { BadInput, guarded } from './ui.js';

export async function renderWhatif() {
  const view = $('#view-whatif');
  const op = await hasRoute('/v1/districts/{district}/scenarios', 'post');
  const head = `<div class="head"><h2 id="wi-h">${esc(t('wi_h'))}</h2></div>`;
  if (!op) { view.innerHTML = `${head}<p class="notice" id="wi-na">${esc(t('wi_na'))}</p>`; return; }
  if (!can.whatif()) { view.innerHTML = `${head}<p class="notice">${esc(t('wi_role'))}</p>`; return; }
  const cats = S.tax?.categories || [];
  view.innerHTML = `${head}
    <form id="wi-form" class="card wiform">
      <fieldset><legend>${esc(t('wi_scale'))}</legend>
        ${cats.map((c) => `<label>${esc(catName(c))} <input type="number" name="scale:${esc(c.slug)}" min="0" max="10" step="0.1" value="1"></label>`).join('')}
      </fieldset>
      <label>${esc(t('wi_remove'))} <input type="text" name="remove"></label>
      <label>${esc(t('wi_travel'))} <input type="number" name="travel" min="0" step="0.5"></label>
      <label>${esc(t('wi_file'))} <input type="file" name="file" accept=".toml,text/plain"></label>
      <label><input type="checkbox" name="explain"> ${esc(t('wi_explain'))}</label>
      <button type="submit" class="primary">${esc(t('wi_run'))}</button>
      <button type="button" id="wi-cancel" hidden>${esc(t('job_cancel'))}</button>
    </form><div id="wi-out"></div>`;
  drawWiJob();
  if (S.whatif) drawWhatif(S.whatif);
}

// The request is the scenario of matcher.whatif: {name, description, edits: [{kind, ...}]}.
// A scenario TOML file is read here (the subset scenario files use: key = value lines,
// [[edits]] tables, strings, numbers, booleans, arrays) and sent as the same JSON.
function stripComment(line) {
  let q = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (q) { if (c === '\\' && q === '"') i += 1; else if (c === q) q = null; }
    else if (c === '"' || c === "'") q = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** What cannot be read, where (line and column from 1), in the page's words: a BadInput,
 *  said in the banner (not a bug: nothing is sent). `how` is the rule broken (`wi_toml_how`). */
const unreadable = (file, line, col, text, how) => new BadInput(t('wi_toml', file, line, col, text.length > 40 ? `${text.slice(0, 39)}…` : text, how));

function tomlValue(v, file, n, col) {
  v = v.trim();
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  const text = v;
  if (v.startsWith('[')) v = v.replace(/'([^']*)'/g, (_, x) => JSON.stringify(x)).replace(/,\s*\]$/, ']');
  try { return JSON.parse(v); } catch { throw unreadable(file, n, col, text, 'value'); }
}

function parseToml(text, file) {
  const out = {};
  let cur = out;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw).trim();
    const indent = raw.length - raw.trimStart().length;
    let m;
    if (!line) return;
    if ((m = line.match(/^\[\[\s*([\w.-]+)\s*\]\]$/))) { (out[m[1]] ||= []).push((cur = {})); return; }
    if ((m = line.match(/^\[\s*([\w.-]+)\s*\]$/))) { cur = out[m[1]] ||= {}; return; }
    if ((m = line.match(/^([\w-]+)\s*=\s*(.+)$/))) {
      const at = raw.indexOf('=') + 1;
      cur[m[1]] = tomlValue(m[2], file, i + 1, at + raw.slice(at).length - raw.slice(at).trimStart().length + 1);
      return;
    }
    // a header broken off: the column where its closing bracket was due
    const head = line.startsWith('[') ? line.match(/^\[\[?\s*[\w.-]*\s*/)[0].length : 0;
    throw unreadable(file, i + 1, indent + head + 1, line, line.startsWith('[') ? 'header' : 'line');
  });
  return out;
}

/** A scenario file's settings: UTF-8 (another encoding, a GBK file, is said, not read as
 *  garbled names), its TOML read (:func:`parseToml`), `edits` a list of [[edits]] tables. */
async function readScenario(file) {
  let text;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer()); } catch {
    throw new BadInput(t('wi_toml_utf8', file.name));
  }
  const sc = parseToml(text.replace(/^\uFEFF/, ''), file.name);
  if (sc.edits !== undefined && !(Array.isArray(sc.edits) && sc.edits.every((x) => x && typeof x === 'object' && !Array.isArray(x)))) {
    throw new BadInput(t('wi_toml_edits', file.name));
  }
  return sc;
}

async function runWhatif(form) {
  const fd = new FormData(form);
  const edits = [];
  for (const [k, v] of fd.entries()) {
    if (k.startsWith('scale:') && v !== '' && Number(v) !== 1) edits.push({ kind: 'scale_demand', category: k.slice(6), factor: Number(v) });
  }
  const remove = String(fd.get('remove') || '').split(/[,\s，、]+/).filter(Boolean);
  if (remove.length) edits.push({ kind: 'remove_cadres', ids: remove });
  if (fd.get('travel')) edits.push({ kind: 'travel_limit', all: true, max_km: Number(fd.get('travel')) });
  const body = { name: 'console', edits, explain_unfilled: fd.get('explain') === 'on' };
  const file = fd.get('file');
  if (file && file.size) {
    const sc = await readScenario(file);
    body.name = String(sc.name || file.name);
    if (sc.description) body.description = String(sc.description);
    body.edits = [...(sc.edits || []), ...edits];
  }
  setStatus(() => t('wi_running'));
  const district = S.district;
  const mine = {}; // this run: a later run, or another district, leaves it
  S.whatifRun = mine;
  const stale = () => S.whatifRun !== mine || S.district !== district;
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  let answer;
  try {
    const r = await api(dpath('/scenarios', district), { method: 'POST', body, full: true });
    answer = r.status === 202 ? await followWhatif(r.data, district, stale) : r.data;
  } finally {
    if (!stale()) {
      Object.assign(S, { whatifJob: null, whatifCancelling: false });
      const now = $('#wi-form button[type=submit]'); if (now) now.disabled = false;
    }
    drawWiJob();
  }
  if (answer === null || stale()) return;
  S.whatif = answer;
  if (S.view !== 'whatif') return; // drawn when the view is opened again
  drawWhatif(S.whatif);
  // a scenario made from the form's knobs is named "console" in the request: said as such
  const named = S.whatif.scenario ?? body.name;
  setStatus(() => t('wi_done', named === 'console' ? t('wi_knobs') : named));
}

// A what-if on a big district is a job (202, docs/api.md "Jobs"): followed as a proposal's
// (api.js pollJob), its progress in the status line, stoppable; its result is the answer.
const STAGE = { baseline: 'baseline', scenario: 'scenario', counterfactuals: 'wi_fix_h' };

function wiJobStatus(job) {
  if (S.whatifCancelling) return t('job_stopping');
  if (job.status === 'queued') return t('wi_job_queued');
  const stage = STAGE[job.phase];
  const where = stage ? t(stage) : '';
  return job.fraction == null ? t('wi_job_running', where) : t('wi_job_running_pct', where, pct(job.fraction));
}

/** The what-if job's cancel button and, in the what-if view, its status line. */
function drawWiJob() {
  const job = S.whatifJob;
  const live = Boolean(job && ['queued', 'running'].includes(job.status));
  const c = $('#wi-cancel'); if (c) { c.hidden = !live; c.disabled = Boolean(S.whatifCancelling); }
  const b = $('#wi-form button[type=submit]'); if (b && live) b.disabled = true;
  if (live && S.view === 'whatif') setStatus(() => wiJobStatus(job));
}

/** Follow a what-if job until it ends: its result when done; a failed job's problem is
 *  thrown; a cancelled one (or a stale run) answers null. */
async function followWhatif(job, district, stale) {
  Object.assign(S, { whatifJob: job, whatifCancelling: false });
  drawWiJob();
  const end = await pollJob(job, district, stale, (now) => { S.whatifJob = now; drawWiJob(); });
  if (end === null) return null;
  S.whatifCancelling = false;
  if (end.status === 'done') return end.result;
  if (end.status === 'failed') throw jobFailure(end, t('wi_job_failed'));
  if (S.view === 'whatif') setStatus(() => t('wi_job_cancelled'));
  return null;
}

async function cancelWhatif() {
  const job = S.whatifJob;
  if (!job || S.whatifCancelling) return;
  S.whatifCancelling = true;
  drawWiJob();
  try {
    const now = await write(dpath(`/jobs/${encodeURIComponent(job.id)}`), 'DELETE');
    if (S.whatifJob === job) S.whatifJob = now;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err; // it finished first
  }
}

const KPI_LABEL = {
  slots_filled: 'wi_filled', fill_rate: 'wi_fill', priority_weighted_fill: 'kpi_pw',
  mean_skill_fit: 'kpi_fit', mean_travel_km: 'kpi_km', cadres_used: 'kpi_used',
  slots_total: 'kpi_total', max_travel_km: 'kpi_maxkm', cadres_available: 'kpi_avail', objective: 'kpi_obj',
};

// the KPIs that are shares (0–1): shown as percentages, their change in percentage points
const RATES = new Set(['fill_rate', 'priority_weighted_fill']);
// the distances in km with one decimal, as the proposal's KPIs show them
const KMS = new Set(['mean_travel_km', 'max_travel_km']);
const kpiNum = (k, v) => (KMS.has(k) ? `${num(v, 1)} ${t('km')}` : num(v, 3));
const kpiValue = (k, v) => (v === null || v === undefined ? '—' : RATES.has(k) ? pct(v) : kpiNum(k, v));
const kpiDelta = (k, d) => (d === null || d === undefined ? '—' : `${d > 0 ? '+' : ''}${RATES.has(k) ? t('pp', num(d * 100, 1)) : kpiNum(k, d)}`);

function drawWhatif(r) {
  const cmp = Array.isArray(r.comparisons) ? r.comparisons[0] : Array.isArray(r.scenarios) ? r.scenarios[0] : r;
  // a mean a plan has not (an empty plan's skill fit, null) has no change either
  const kpis = Array.isArray(cmp.kpis) ? cmp.kpis : Object.keys(cmp.base?.kpis || {}).map((k) => {
    const [b, s] = [cmp.base.kpis[k], cmp.result?.kpis?.[k]];
    return { kpi: k, base: b, scenario: s, delta: b === null || s === null || s === undefined ? null : s - b };
  });
  const churn = cmp.churn || {};
  const cats = new Map((S.tax?.categories || []).map((c) => [c.slug, catName(c)]));
  $('#wi-out').innerHTML = `<div class="two"><div class="scroll"><table class="grid" id="wi-kpis"><thead><tr><th scope="col">${esc(t('kpi'))}</th>
    <th scope="col">${esc(t('baseline'))}</th><th scope="col">${esc(t('scenario'))}</th><th scope="col">${esc(t('delta'))}</th></tr></thead>
    <tbody>${kpis.map((x) => `<tr><th scope="row">${esc(KPI_LABEL[x.kpi] ? t(KPI_LABEL[x.kpi]) : x.kpi)}</th><td class="n">${kpiValue(x.kpi, x.base)}</td>
      <td class="n">${kpiValue(x.kpi, x.scenario)}</td><td class="n ${x.delta < 0 ? 'down' : x.delta > 0 ? 'up' : ''}">${kpiDelta(x.kpi, x.delta)}</td></tr>`).join('')}
      ${(cmp.unfilled_by_category || []).map((x) => `<tr><th scope="row">${esc(t('unfilled_h', '').replace(/[（(].*/, ''))} · ${esc(cats.get(x.key) || x.key)}</th>
      <td class="n">${x.base}</td><td class="n">${x.scenario}</td><td class="n">${x.delta > 0 ? '+' : ''}${x.delta}</td></tr>`).join('')}</tbody></table></div>
    <div class="card"><h3>${esc(t('churn'))}</h3><dl class="nums">${['kept', 'moved', 'added', 'dropped'].map((k) =>
      `<dt>${esc(t(k))}</dt><dd>${esc(churn[k] ?? '—')}</dd>`).join('')}</dl>
      <ul class="churn">${(churn.changes || []).slice(0, 30).map((c) => `<li>${esc(t(c.kind))} ${esc(cadreLabel(c.cadre))}:
        ${esc((c.before || []).join(', ') || '—')} → ${esc((c.after || []).join(', ') || '—')} · ${esc(say(c))}</li>`).join('')}</ul></div></div>
    ${cmp.counterfactuals ? `<details class="card" open><summary>${esc(t('wi_fix_h'))} (${cmp.counterfactuals.length})</summary><ul class="unfilled" id="wi-fixes">
      ${cmp.counterfactuals.map((x) => `<li><b>${esc(x.demand)}</b> ${esc(S.demById.get(x.demand)?.title || '')} · ${esc(t('slots'))} ${x.slots}
        <ul>${(x.options || []).map((o) => `<li>${esc(say(o))} (${o.objective_delta >= 0 ? '+' : ''}${num(o.objective_delta)})</li>`).join('') || `<li>${esc(t('no_alts'))}</li>`}</ul></li>`).join('')}
    </ul>${fixNotes(cmp)}</details>` : ''}`;
}

// With dated orders the fixes are the ongoing orders' (priced with the dated dispatches
// kept: fix.keeps_dated), and the short dated orders get none (fix.dated_unpriced): both
// come as codes and are rendered from the catalogue in the page's language.
function fixNotes(cmp) {
  return [['wi-fix-note', cmp.counterfactuals_note], ['wi-fix-unpriced', cmp.counterfactuals_unpriced]]
    .filter(([, m]) => m).map(([id, m]) => `<p class="hint" id="${id}">${esc(say(m))}</p>`).join('');
}

/** A run that failed leaves no results of an earlier one under its error (they would read
 *  as its own), and its banner, at the top of the page, is brought into view (a phone's
 *  form sits a screen below it). */
async function runOrSay(form) {
  try {
    await guarded(async () => {
      try { await runWhatif(form); } catch (err) {
        S.whatif = null;
        $('#wi-out').innerHTML = '';
        throw err;
      }
    });
  } finally {
    const box = $('#error');
    if (!box.hidden) box.scrollIntoView({ block: 'nearest' });
  }
}

export function wireWhatif() {
  const view = $('#view-whatif');
  view.addEventListener('submit', (e) => { e.preventDefault(); runOrSay(e.target); });
  view.addEventListener('click', (e) => { if (e.target.id === 'wi-cancel') guarded(cancelWhatif); });
}
