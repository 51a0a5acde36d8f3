// The pool: demands (add one, from scratch or from a service item of the district's
// catalogue; close it as done or cancelled; reopen it) and cadres
// (history and declines of one, or its growth record; mark unavailable until a date;
// withdraw from the pool).

import { $, S, can, esc, setStatus, table, when } from './core.js';
import { api, dpath, listAll, reloadPool, write } from './api.js';
import { catName, msg, st, t, tagName } from './i18n.js';
import { cadreLabel, commName, load, stageOf, tri } from './overview.js';
import { actor } from './proposal.js';
import { loadRecord, recordHtml, recordTitle } from './record.js';
import { BadInput, confirmDialog, dateInput, dateValue, guarded, narrow, readDay, readHours } from './ui.js';

const SHOW = 200;
// a demand's most expected hours (a leap year's): matcher.MAX_DEMAND_HOURS, the limit of a
// demands.csv cell and of the API's body (tests/console/test_pool.py checks they agree)
export const MAX_DEMAND_HOURS = 8784;
// the years a date may fall in: matcher.dated.YEARS (the same test checks them)
export const YEARS = [1900, 2200];
// the server's id rule (matcher.model.ID_PATTERN, ID_MAX_LENGTH) and headcount bounds
// (api/schemas/pool.py): the form says them in its own words (the same test checks them)
export const ID_RULE = /^[A-Za-z0-9][A-Za-z0-9_.\-]*$/;
export const ID_MAX = 128;
export const HEADCOUNT = [1, 1000];
const has = (q, ...xs) => !q || xs.some((x) => String(x ?? '').toLowerCase().includes(q));
const closed = (d) => d.status !== 'open';

// ------------------------------------------------------------------ demands
function demandForm() {
  const comms = [...S.communities].sort((a, b) => a.street.localeCompare(b.street, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
  const cats = S.tax?.categories || [];
  const opt = (v, label, sel) => `<option value="${esc(v)}"${sel ? ' selected' : ''}>${esc(label)}</option>`;
  const levels = (sel) => [1, 2, 3, 4, 5].map((n) => opt(n, n, n === sel)).join('');
  const items = (S.catalogue?.categories || []).map((c) => `<optgroup label="${esc(catName(c))}">
    ${c.items.map((i) => opt(i.id, catName(i), i.id === S.draftItem)).join('')}</optgroup>`).join('');
  const req = (n) => (n.reqLevel && n.reqLevel !== n.level ? t('required_at', n.reqLevel) : t('required'));
  // novalidate: the form checks itself (checkForm) and says what is wrong beside each field
  // in the page's language; the browser's own bubbles speak its locale's
  const err = (f) => `<span class="field-err" id="dm-${f}-err" role="alert"></span>`;
  return `<form id="dm-form" class="card form" novalidate>
    <div class="fields">
      <label>${esc(t('dm_item'))} <select id="dm-item" name="item">${opt('', t('dm_item_none'), !S.draftItem)}${items}</select></label>
    </div>
    <div class="fields">
      <label>${esc(t('id'))} <input id="dm-id" name="id" type="text" maxlength="${ID_MAX}" spellcheck="false" autocomplete="off"
        aria-describedby="dm-id-err"></label> ${err('id')}
      <label>${esc(t('title_col'))} <input id="dm-title" name="title" type="text" maxlength="500" aria-describedby="dm-title-err"></label> ${err('title')}
      <label>${esc(t('community'))} <select id="dm-comm" name="community">${comms.map((c) => opt(c.id, `${c.name}（${c.street}）`)).join('')}</select></label>
      <label>${esc(t('headcount'))} <input id="dm-head" name="headcount" type="number" min="${HEADCOUNT[0]}" max="${HEADCOUNT[1]}" value="1"
        aria-describedby="dm-head-err"></label> ${err('head')}
      <label>${esc(t('priority'))} <select id="dm-prio" name="priority">${levels(3)}</select></label>
      <label><input id="dm-rec" name="recurring" type="checkbox"> ${esc(t('recurring'))}</label>
    </div>
    <fieldset id="dm-dated"><legend>${esc(t('dm_dated'))}</legend>
      <div class="fields">${['start', 'end'].map((f) => `<label>${esc(t(`dm_${f}`))} <input id="dm-${f}" name="${f}" type="text"
        inputmode="numeric" maxlength="24" size="16" autocomplete="off" placeholder="${esc(t('dt_ph'))}" title="${esc(t('dt_ph'))}"
        aria-describedby="dm-${f}-err"></label> ${err(f)}`).join('')}
        <label>${esc(t('dm_hours'))} <input id="dm-hours" name="hours" type="text" inputmode="decimal" maxlength="32" size="8"
          autocomplete="off" aria-describedby="dm-hours-err"></label>
        ${err('hours')}</div>
      <p class="hint">${esc(t('dm_dated_hint'))}</p>
    </fieldset>
    <fieldset><legend>${esc(t('needs'))}</legend>
      <div class="fields">
        <label>${esc(t('skill'))} <select id="dm-tag">${cats.map((c) => `<optgroup label="${esc(catName(c))}">
          ${c.tags.map((g) => opt(g.slug, catName(g))).join('')}</optgroup>`).join('')}</select></label>
        <label>${esc(t('level'))} <select id="dm-level">${levels(3)}</select></label>
        <label><input id="dm-req" type="checkbox"> ${esc(t('required'))}</label>
        <button type="button" id="dm-add-need">${esc(t('add_need'))}</button>
      </div>
      <ul id="dm-needs" class="chips">${S.draftNeeds.length ? S.draftNeeds.map((n, i) => `<li>${esc(tagName(n.slug))} · ${esc(t('level'))} ${n.level}${n.required ? ` · ${esc(req(n))}` : ''}
        <button type="button" class="link dm-drop" data-i="${i}" aria-label="${esc(`${t('remove')} ${tagName(n.slug)}`)}">${esc(t('remove'))}</button></li>`).join('')
        : `<li class="hint">${esc(t('no_needs'))}</li>`}</ul>
    </fieldset>
    <fieldset><legend>${esc(t('certs'))}</legend><div class="fields">
      ${(S.tax?.certs || []).map((c) => `<label><input type="checkbox" name="cert" value="${esc(c.slug)}"> ${esc(catName(c))}</label>`).join('')}
    </div></fieldset>
    <div class="row"><button type="submit" class="primary">${esc(t('save'))}</button>
      <button type="button" id="dm-hide">${esc(t('cancel_form'))}</button></div>
  </form>`;
}

export function renderDemands() {
  const view = $('#view-demands');
  const w = can.write();
  const q = S.demSearch.trim().toLowerCase();
  const all = S.demands.filter((d) => (S.demFilter === 'all' || (S.demFilter === 'open' ? !closed(d)
    : S.demFilter === 'done' ? ['done', 'closed'].includes(d.status) : d.status === S.demFilter))
    && has(q, d.id, d.title, commName(d.community)));
  const ds = all.slice(0, SHOW);
  const cols = [{ label: t('id') }, { label: t('title_col') }, { label: t('community') }, { label: t('priority'), cls: 'n' },
    { label: t('filled'), cls: 'n' }, { label: t('stage') }];
  if (w) cols.push({ label: t('actions'), cls: 'acts' });
  const rows = ds.map((d) => {
    const cells = [esc(d.id), `${esc(d.title)}${d.recurring ? ` <span class="tag alt">${esc(t('recurring_tag'))}</span>` : ''}`,
      esc(commName(d.community)), d.priority, `${d.filled}/${d.headcount}`,
      `<span class="state ${esc(d.stage ?? d.status)}">${esc(stageOf(d))}</span>`];
    if (w) {
      cells.push(closed(d) ? `<button type="button" class="dm-reopen" data-id="${esc(d.id)}">${esc(t('dm_reopen'))}</button>`
        : `<button type="button" class="dm-done" data-id="${esc(d.id)}">${esc(t('dm_done'))}</button>
           <button type="button" class="dm-cancel danger" data-id="${esc(d.id)}">${esc(t('dm_cancel'))}</button>`);
    }
    return { attrs: ` data-id="${esc(d.id)}"`, cells };
  });
  view.innerHTML = `<div class="head"><h2 id="dm-h">${esc(t('dm_h'))}</h2>
      ${w ? `<button type="button" id="dm-show" class="primary" aria-expanded="${S.demForm}">${esc(t('dm_add'))}</button>` : ''}</div>
    ${w && S.demForm ? demandForm() : ''}
    <div class="filters">
      <label>${esc(t('dm_search'))} <input id="dm-search" type="search" value="${esc(S.demSearch)}"></label>
      <label>${esc(t('status'))} <select id="dm-filter">${['open', 'done', 'cancelled', 'all'].map((s) =>
        `<option value="${s}"${s === S.demFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : st(s))}</option>`).join('')}</select></label>
      <span class="hint" id="dm-count">${esc(t('shown', ds.length, all.length))}</span>
    </div>
    ${all.length > SHOW ? `<p class="hint">${esc(t('dm_more'))}</p>` : ''}
    <div class="scroll fill">${table('demands-admin', cols, rows)}</div>`;
}

async function addDemand(form) {
  const dated = checkForm();
  const fd = new FormData(form);
  const needs = {}, requires = {};
  for (const n of S.draftNeeds) { needs[n.slug] = n.level; if (n.required) requires[n.slug] = n.reqLevel || n.level; }
  const id = String(fd.get('id')).trim();
  const title = String(fd.get('title')).trim();
  const body = {
    id, community: String(fd.get('community')), needs, requires,
    certs: fd.getAll('cert').map(String), headcount: Number(fd.get('headcount')), priority: Number(fd.get('priority')),
  };
  if (title) body.title = title; // left blank, the catalogue item's name (checkForm asks for one without an item)
  if (fd.get('recurring') === 'on') body.recurring = true;
  if (S.draftItem) body.item = S.draftItem;
  Object.assign(body, dated);
  try {
    await write(dpath('/demands'), 'POST', body);
  } catch (err) { // the server's word on a field goes beside it too
    for (const e of err.problem?.errors || []) {
      const at = /^\/body\/(id|title|headcount|start|end|hours)$/.exec(e.pointer || '')?.[1];
      const f = at === 'headcount' ? 'head' : at;
      if (f) fieldErr(f, [msg(e.code, e.params, e.message), e.hint_code ? msg(e.hint_code, e.hint_params, e.hint) : e.hint].filter(Boolean).join(' '));
    }
    throw err;
  }
  Object.assign(S, { demForm: false, draftNeeds: [], draftItem: '', demSearch: id, demFilter: 'all', layout: S.layout });
  await reloadPool();
  renderDemands();
  setStatus(() => t('dm_added', id));
}

/** Say what is wrong with a field of the demand form beside it ('' clears it). */
function fieldErr(f, text) {
  const box = $(`#dm-${f}-err`); if (!box) return;
  box.textContent = text;
  $(`#dm-${f}`).setAttribute('aria-invalid', text ? 'true' : 'false');
}

/** A local date-time as typed: a day as every date field reads it (`readDay`: 2026-12-8,
 *  2026/12/08 as Chinese offices write it, 2026年12月8日), then the time, after a space or a T
 *  (or straight after 日), with a colon or a full-width one: the API's 2026-12-08T18:00, ''
 *  when empty, null when it is none (2026/12-08 mixes its separators: none). */
function localTime(v) {
  if (!v) return '';
  const m = /^(.+?)(?:\s+|T|(?<=日))(\d{1,2})[:：](\d{2})$/.exec(narrow(v));
  const day = m && readDay(m[1]);
  if (!day || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  return `${day}T${m[2].padStart(2, '0')}:${m[3]}`;
}

/** What is wrong with the hours typed (readHours' fault), said with the codes a demands.csv
 *  cell or the API's body gets (problem.hours_value, problem.hours_positive,
 *  problem.hours_between); '' when fine. */
function hoursProblem(h, fault) {
  const fallback = t('bad_hours_dm', h, MAX_DEMAND_HOURS);
  if (fault === 'value') return msg('problem.hours_value', { field: 'hours' }, fallback);
  if (fault === 'zero') return msg('problem.hours_positive', {}, fallback);
  if (fault) return msg('problem.hours_between', { field: 'hours', max: MAX_DEMAND_HOURS }, fallback);
  return '';
}

/** What is wrong with the id, title and headcount typed ('' when fine): the server's rules
 *  (ID_RULE, ID_MAX, HEADCOUNT) in the console's words. */
function plainProblems() {
  const v = (f) => $(`#dm-${f}`)?.value.trim() ?? '';
  const id = v('id'); const head = v('head'); const n = Number(head);
  return {
    id: !id ? t('dm_id_empty') : id.length > ID_MAX ? t('dm_id_long', ID_MAX) : ID_RULE.test(id) ? '' : t('dm_id_chars'),
    title: v('title') || S.draftItem ? '' : t('dm_title_empty'),
    head: head !== '' && Number.isInteger(n) && n >= HEADCOUNT[0] && n <= HEADCOUNT[1] ? '' : t('dm_head_range', ...HEADCOUNT),
  };
}

const FIELDS = ['id', 'title', 'head', 'start', 'end', 'hours'];
const DATED = ['start', 'end', 'hours'];

/** Check the whole form before anything is sent: every problem said beside its field, the
 *  first focused and said in the banner too (a BadInput); the dated fields as the API's
 *  body takes them when all is well. */
function checkForm() {
  const { out, bad } = datedFields();
  Object.assign(bad, plainProblems());
  for (const f of FIELDS) fieldErr(f, bad[f] || '');
  const first = FIELDS.find((f) => bad[f]);
  if (first) { $(`#dm-${first}`).focus(); throw new BadInput(bad[first]); }
  return out;
}

/** As a field is typed into, its error (and, for a date-time or the hours, those of the
 *  other two, which depend on it) is checked again: cleared once it is right, never added
 *  before the next save. */
function recheck(f) {
  const bad = DATED.includes(f) ? datedFields().bad : plainProblems();
  for (const g of DATED.includes(f) ? DATED : [f]) {
    if ($(`#dm-${g}-err`)?.textContent) fieldErr(g, bad[g] || '');
  }
}

/** The dated order's start, end and hours of the form, as the API's body takes them
 *  (api/schemas/pool.py, `out`), and what is wrong with each that cannot be sent (`bad`). */
function datedFields() {
  const raw = (f) => $(`#dm-${f}`)?.value.trim() ?? '';
  const out = {}; const bad = {};
  for (const f of ['start', 'end']) {
    const v = localTime(raw(f));
    const year = v ? Number(v.slice(0, 4)) : 0;
    if (v === null) bad[f] = t('bad_dt', raw(f));
    else if (v && (year < YEARS[0] || year > YEARS[1])) { // the server's rule (matcher.dated.YEARS)
      bad[f] = msg('problem.year_range', { value: raw(f), first: YEARS[0], last: YEARS[1] }, t('bad_dt', raw(f)));
    } else if (v) out[f] = v;
  }
  const h = raw('hours');
  if (h) { const { n, fault } = readHours(h, MAX_DEMAND_HOURS); if (fault) bad.hours = hoursProblem(h, fault); else out.hours = n; }
  if (!bad.end && out.end && !raw('start')) bad.end = t('dm_end_no_start');
  if (!bad.end && out.end && out.start && out.end <= out.start) bad.end = t('dm_end_before');
  if (!bad.start && out.start && !out.end && !out.hours && !bad.end && !bad.hours) bad.start = t('dm_start_alone');
  return { out, bad };
}

/** Start the form from a service item: its defaults fill the fields, which stay editable
 *  (what is sent overrides the item, as a demands.csv row's filled cells do). */
function startFromItem(id) {
  const item = (S.catalogue?.categories || []).flatMap((c) => c.items).find((i) => i.id === id);
  S.draftItem = item ? id : '';
  if (!item) { keepForm(() => renderDemands()); return; }
  S.draftNeeds = Object.entries(item.needs).map(([slug, level]) => ({
    slug, level, required: slug in item.requires, reqLevel: item.requires[slug] || 0,
  }));
  for (const [slug, level] of Object.entries(item.requires)) {
    if (!(slug in item.needs)) S.draftNeeds.push({ slug, level, required: true, reqLevel: level });
  }
  keepForm(() => renderDemands());
  $('#dm-title').value = item.zh;
  $('#dm-head').value = String(item.headcount);
  $('#dm-prio').value = String(item.priority);
  for (const box of $('#dm-form').querySelectorAll('input[name="cert"]')) box.checked = item.certs.includes(box.value);
  $('#dm-item').focus();
}

async function closeDemand(id, outcome) {
  // nobody stays dispatched on closed work: the active dispatches end with the demand
  const active = S.demands.find((d) => d.id === id)?.active ?? 0;
  const done = outcome === 'done';
  const ask = done ? t('confirm_dm_done', id, active) : t('confirm_dm_cancel', id, active);
  if (!await confirmDialog(ask, done ? t('confirm_yes_done') : t('confirm_yes_dm'))) return;
  const body = active ? { outcome, end_dispatches: done ? 'complete' : 'cancel' } : { outcome };
  await write(dpath(`/demands/${encodeURIComponent(id)}/close`), 'POST', body);
  await reloadPool();
  renderDemands();
  setStatus(() => t('dm_closed', id, outcome));
}

async function reopenDemand(id) {
  await write(dpath(`/demands/${encodeURIComponent(id)}/reopen`), 'POST', {});
  await reloadPool();
  renderDemands();
  setStatus(() => t('dm_reopened', id));
}

export function wireDemands() {
  const v = $('#view-demands');
  v.addEventListener('click', (e) => guarded(async () => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.id === 'dm-show' || b.id === 'dm-hide') {
      S.demForm = b.id === 'dm-show' ? !S.demForm : false;
      if (S.demForm && !S.catalogue) S.catalogue = await api(dpath('/catalogue'));
      renderDemands();
      return;
    }
    if (b.id === 'dm-add-need') {
      const slug = $('#dm-tag').value;
      S.draftNeeds = [...S.draftNeeds.filter((n) => n.slug !== slug), { slug, level: Number($('#dm-level').value), required: $('#dm-req').checked }];
      keepForm(() => renderDemands());
      $('#dm-add-need').focus();
      return;
    }
    if (b.classList.contains('dm-drop')) { S.draftNeeds.splice(Number(b.dataset.i), 1); keepForm(() => renderDemands()); return; }
    if (b.classList.contains('dm-done')) await closeDemand(b.dataset.id, 'done');
    else if (b.classList.contains('dm-cancel')) await closeDemand(b.dataset.id, 'cancelled');
    else if (b.classList.contains('dm-reopen')) await reopenDemand(b.dataset.id);
  }));
  v.addEventListener('submit', (e) => { e.preventDefault(); guarded(() => addDemand(e.target)); });
  v.addEventListener('input', (e) => {
    const f = /^dm-(id|title|head|start|end|hours)$/.exec(e.target.id)?.[1];
    if (f) recheck(f);
    if (e.target.id === 'dm-search') {
      S.demSearch = e.target.value;
      keepForm(() => renderDemands());
      const s = $('#dm-search'); s.focus(); s.setSelectionRange(s.value.length, s.value.length);
    }
  });
  v.addEventListener('change', (e) => {
    if (e.target.id === 'dm-filter') { S.demFilter = e.target.value; keepForm(() => renderDemands()); }
    if (e.target.id === 'dm-item') startFromItem(e.target.value);
  });
}

/** Redraw without losing what was typed into the add-demand form. */
function keepForm(draw) {
  const form = $('#dm-form');
  const saved = form ? [...form.elements].filter((el) => el.name || el.id).map((el) => [el.id || `${el.name}=${el.value}`, el.type === 'checkbox' ? el.checked : el.value]) : [];
  draw();
  const f = $('#dm-form');
  if (!f) return;
  for (const [k, v] of saved) {
    const el = k.includes('=') ? f.querySelector(`input[name="${k.split('=')[0]}"][value="${CSS.escape(k.split('=')[1])}"]`) : f.querySelector(`#${CSS.escape(k)}`);
    if (!el) continue;
    if (el.type === 'checkbox') el.checked = v; else el.value = v;
  }
}

// ------------------------------------------------------------------ cadres
const unavailText = (c) => (c.unavailable ? t('unavail', c.unavailable.until) : t('available'));

/** The cadres view as its tab shows it: an open record is read again (outcomes may have changed it). */
export async function showCadres() {
  if (S.cadOpen && S.cadMode === 'record') await loadRecord(S.cadOpen);
  renderCadres();
}

export function renderCadres() {
  const view = $('#view-cadres');
  const w = can.write();
  const q = S.cadSearch.trim().toLowerCase();
  const all = S.cadres.filter((c) => (S.cadFilter === 'all' || (S.cadFilter === 'unavailable' ? c.unavailable : c.status === S.cadFilter))
    && has(q, c.id, c.name, commName(c.home)));
  const cs = all.slice(0, SHOW);
  const cols = [{ label: t('id') }, { label: t('name') }, { label: t('home') }, { label: t('status') }, { label: t('load') },
    { label: t('availability') }, { label: t('actions'), cls: 'acts' }];
  const rows = cs.map((c) => ({ attrs: ` data-id="${esc(c.id)}"${S.cadOpen === c.id ? ' class="open"' : ''}`, cells: [
    esc(c.id), `<span class="cname">${esc(c.name)}</span>`, esc(commName(c.home)), tri(c), load(c),
    `<span class="${c.unavailable ? 'state cancelled' : ''}">${esc(unavailText(c))}</span>`,
    `<button type="button" class="cd-open" data-id="${esc(c.id)}" aria-expanded="${S.cadOpen === c.id && S.cadMode === 'history'}">${esc(t('history'))}</button>
     <button type="button" class="cd-record" data-id="${esc(c.id)}" aria-expanded="${S.cadOpen === c.id && S.cadMode === 'record'}">${esc(t('record'))}</button>
     ${w ? `<button type="button" class="cd-withdraw danger" data-id="${esc(c.id)}">${esc(t('withdraw'))}</button>` : ''}`] }));
  view.innerHTML = `<div class="head"><h2 id="cd-h">${esc(t('cd_h'))}</h2></div>
    <div class="filters">
      <label>${esc(t('cd_search'))} <input id="cd-search" type="search" value="${esc(S.cadSearch)}"></label>
      <label>${esc(t('status'))} <select id="cd-filter">${['all', 'green', 'yellow', 'red', 'unavailable'].map((s) =>
        `<option value="${s}"${s === S.cadFilter ? ' selected' : ''}>${esc(s === 'all' ? t('cd_all') : s === 'unavailable' ? t('cd_unavail') : st(s))}</option>`).join('')}</select></label>
      <span class="hint" id="cd-count">${esc(t('shown', cs.length, all.length))}</span>
    </div>
    ${all.length > SHOW ? `<p class="hint">${esc(t('dm_more'))}</p>` : ''}
    <div class="pool">
      <div class="scroll fill">${table('cadres-admin', cols, rows)}</div>
      <aside id="cd-panel" class="card" aria-live="polite"${S.cadOpen ? '' : ' hidden'}></aside>
    </div>`;
  if (S.cadOpen) drawPanel();
}

function drawPanel() {
  const box = $('#cd-panel');
  const c = S.cadById.get(S.cadOpen);
  if (!box || !c) return;
  const w = can.write();
  const hist = S.history?.cadre === c.id ? S.history.data : [];
  const decl = S.declines.filter((x) => x.cadre === c.id);
  box.hidden = false;
  if (S.cadMode === 'record' && S.record?.cadre === c.id) {
    box.innerHTML = `<div class="head"><h3 id="cd-panel-h">${esc(recordTitle(c.id))}</h3>
      <button type="button" id="cd-close">${esc(t('close_panel'))}</button></div>${recordHtml()}`;
    return;
  }
  box.innerHTML = `<div class="head"><h3 id="cd-panel-h">${esc(t('history_h', cadreLabel(c.id)))}</h3>
      <button type="button" id="cd-close">${esc(t('close_panel'))}</button></div>
    <p>${tri(c)} · ${esc(t('load'))} ${c.active_dispatches}/${c.capacity} · <b id="cd-avail">${esc(unavailText(c))}</b>
      ${c.unavailable?.reason ? ` · ${esc(c.unavailable.reason)}` : ''}</p>
    ${w ? (c.unavailable ? `<div class="row"><button type="button" id="cd-restore">${esc(t('restore'))}</button></div>`
    : `<form id="cd-unavail" class="fields">
        <label>${esc(t('until'))} ${dateInput('cd-until')}</label>
        <label>${esc(t('reason_opt'))} <input id="cd-reason" type="text" maxlength="500"></label>
        <button type="submit">${esc(t('mark_unavail'))}</button></form>`) : ''}
    ${hist.length ? `<div class="scroll">${table('cd-history', [
      { label: '#', cls: 'n' }, { label: t('demand') }, { label: t('status') }, { label: t('created') }, { label: t('closed') },
      { label: t('by') }, { label: t('note_col') }],
    hist.map((x) => ({ cells: [x.id, `${esc(x.demand)} ${esc(S.demById.get(x.demand)?.title || '')}`,
      `<span class="state ${esc(x.status)}">${esc(st(x.status))}</span>`, esc(when(x.created_at)), esc(when(x.closed_at)),
      x.closed_by ? actor(x.closed_by) : actor(x.created_by), esc(x.note ?? '')] })), { cls: 'stack' })}</div>`
    : `<p class="hint">${esc(t('history_none'))}</p>`}
    <h4>${esc(t('cd_declines'))}</h4>
    ${decl.length ? `<ul class="plain" id="cd-declines">${decl.map((x) => `<li>${esc(x.demand)} ${esc(S.demById.get(x.demand)?.title || '')}
      · ${esc(x.reason ?? '—')} · ${esc(when(x.created_at))}</li>`).join('')}</ul>` : `<p class="hint">${esc(t('no_declines'))}</p>`}`;
}

async function openCadre(id, mode = 'history') {
  S.cadOpen = S.cadOpen === id && S.cadMode === mode ? null : id;
  S.cadMode = mode;
  if (S.cadOpen && mode === 'history') S.history = { cadre: id, data: await listAll(`/cadres/${encodeURIComponent(id)}/dispatches`) };
  if (S.cadOpen && mode === 'record') await loadRecord(id);
  renderCadres();
  if (S.cadOpen) {
    $('#cd-panel').scrollIntoView({ block: 'nearest' });
    $('#cd-close')?.focus();
  }
}

async function withdraw(id) {
  if (!await confirmDialog(t('confirm_withdraw', cadreLabel(id)), t('confirm_yes_withdraw'))) return;
  const label = cadreLabel(id);
  await write(dpath(`/cadres/${encodeURIComponent(id)}`), 'DELETE');
  if (S.cadOpen === id) S.cadOpen = null;
  await reloadPool();
  renderCadres();
  setStatus(() => t('withdrawn', label));
}

async function setUnavailable(id, on) {
  if (on) {
    const until = dateValue('cd-until') || null;
    const reason = $('#cd-reason').value.trim() || null;
    await write(dpath(`/cadres/${encodeURIComponent(id)}/unavailable`), 'PUT', { until, reason });
  } else {
    await write(dpath(`/cadres/${encodeURIComponent(id)}/unavailable`), 'DELETE');
  }
  await reloadPool();
  renderCadres();
  setStatus(() => t(on ? 'marked_unavail' : 'restored', cadreLabel(id)));
}

export function wireCadres() {
  const v = $('#view-cadres');
  v.addEventListener('click', (e) => guarded(async () => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.classList.contains('cd-open')) await openCadre(b.dataset.id);
    else if (b.classList.contains('cd-record')) await openCadre(b.dataset.id, 'record');
    else if (b.classList.contains('cd-withdraw')) await withdraw(b.dataset.id);
    else if (b.id === 'cd-close') { S.cadOpen = null; renderCadres(); }
    else if (b.id === 'cd-restore') await setUnavailable(S.cadOpen, false);
  }));
  v.addEventListener('submit', (e) => { e.preventDefault(); if (e.target.id === 'cd-unavail') guarded(() => setUnavailable(S.cadOpen, true)); });
  v.addEventListener('input', (e) => {
    if (e.target.id === 'cd-search') {
      S.cadSearch = e.target.value;
      renderCadres();
      const s = $('#cd-search'); s.focus(); s.setSelectionRange(s.value.length, s.value.length);
    }
  });
  v.addEventListener('change', (e) => { if (e.target.id === 'cd-filter') { S.cadFilter = e.target.value; renderCadres(); } });
}
