// Dispatches: filtered by status; complete (service hours, rating, 容错 exemption), cancel
// (with a reason) or mark a no-show, each from a dialog that asks what the record needs.

import { $, S, can, esc, local, setStatus, table, when } from './core.js';
import { api, dpath, listAll, reloadPool, write } from './api.js';
import { msg, num, st, t, word } from './i18n.js';
import { cadreLabel, commName } from './overview.js';
import { actor, knowsCommunities } from './proposal.js';
import { fieldError, guarded, readHours } from './ui.js';

const STATUSES = ['active', 'completed', 'cancelled', 'no_show', 'all'];
export const CANCEL_REASONS = ['cadre_unavailable', 'no_show', 'community_withdrew', 'duplicate', 'other'];
// The policy's default (docs/record.md `max_hours`); the server checks the district's own
// maximum and answers a coded problem, shown in the banner, for a value above it.
const MAX_HOURS = 24;
// Ended dispatches pile up (a district's past holds tens of thousands): those lists show the
// newest SHOW; the active ones are all shown, since each still needs an ending.
const SHOW = 200;

/** What a dispatch ended with, in words: hours, rating and exemption, or the cancel reason. */
export function outcomeText(x) {
  if (x.status === 'completed') {
    return [x.hours === null || x.hours === undefined ? null : t('hours_unit', num(x.hours)),
      x.rating ? t('rating_n', x.rating) : null, x.exempt ? t('exempt_tag') : null].filter(Boolean).join(' · ');
  }
  return x.cancel_reason ? word('reasons', x.cancel_reason) : '';
}

/** The dispatches of the current filter: every active one (oldest first, the next to end),
 *  or the newest SHOW of the others, newest first (today's endings on top). */
async function loadDispatches() {
  const q = S.dispFilter === 'all' ? '' : `status=${S.dispFilter}`;
  if (S.dispFilter === 'active') return { rows: await listAll(`/dispatches?${q}`), total: null };
  const { count } = await api(dpath(`/dispatches?${q}&limit=1`));
  const page = await api(dpath(`/dispatches?${q}&limit=${SHOW}&offset=${Math.max(0, count - SHOW)}`));
  return { rows: page.data.slice().reverse(), total: count };
}

export async function renderDispatches() {
  const { rows: list, total } = await loadDispatches();
  S.dispatches = list;
  shownTotal = total;
  drawDispatches();
}

// how many the server holds under the current filter (null: all are shown)
let shownTotal = null;
/** Whether a dispatch belongs in the current filter (an ended one leaves 进行中). */
const inFilter = (x) => S.dispFilter === 'all' || x.status === S.dispFilter;

/** Draw the list held in S.dispatches, without asking the server. */
function drawDispatches() {
  const total = shownTotal;
  const w = can.write();
  const view = $('#view-dispatches');
  const cols = [
    { label: '#', cls: 'n' }, { label: t('demand') }, ...(knowsCommunities() ? [{ label: t('community') }] : []), { label: t('cadre') },
    { label: t('score'), cls: 'n' }, { label: t('status') }, { label: t('outcome') }, { label: t('created'), cls: 'when' },
    { label: t('closed'), cls: 'when' }, { label: t('by') }, { label: t('note_col') },
  ];
  if (w) cols.push({ label: t('actions'), cls: 'acts' });
  const rows = S.dispatches.map((x) => {
    // past work hangs on an archived copy of its demand ("D0080@2026-03"): named by the live one
    const d = S.demById.get(x.demand) ?? S.demById.get(String(x.demand).split('@')[0]);
    // such past work was loaded, not proposed: it has no score, and only its days are known
    // (stored at noon), so it shows a dash and dates rather than a 0 and a made-up 12:00
    const past = String(x.demand).includes('@') && x.proposal === null;
    const at = (iso) => (past && iso ? local(iso).slice(0, 10) : when(iso));
    const by = x.closed_by ? `${actor(x.created_by)} → ${actor(x.closed_by)}` : actor(x.created_by);
    const cells = [x.id, `${esc(x.demand)} ${esc(d?.title || '')}`, ...(knowsCommunities() ? [esc(commName(d?.community))] : []),
      `<span class="cname">${esc(cadreLabel(x.cadre))}</span>`, past ? '—' : num(x.score),
      `<span class="state ${esc(x.status)}">${esc(st(x.status))}</span>`, esc(outcomeText(x)),
      esc(at(x.created_at)), esc(at(x.closed_at)), by,
      esc([x.note, x.exempt_reason ? `${t('exempt_tag')}${S.lang === 'zh' ? '：' : ': '}${x.exempt_reason}` : null].filter(Boolean).join(' · '))];
    if (w) {
      cells.push(x.status === 'active' ? `<button type="button" class="complete" data-id="${x.id}">${esc(t('complete'))}</button>
        <button type="button" class="no-show" data-id="${x.id}">${esc(t('no_show'))}</button>
        <button type="button" class="cancel danger" data-id="${x.id}">${esc(t('cancel'))}</button>` : '');
    }
    return { attrs: ` data-id="${x.id}"`, cells };
  });
  view.innerHTML = `<div class="head"><h2 id="di-h">${esc(t('di_h'))}</h2>
      <label>${esc(t('status'))} <select id="dfilter">${STATUSES.map((s) =>
        `<option value="${s}"${s === S.dispFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : st(s))}</option>`).join('')}</select></label></div>
    ${rows.length ? `<p class="hint" id="di-count">${esc(total !== null && total > rows.length ? t('di_more', rows.length, total) : t('shown', rows.length, rows.length))}</p>
      <div class="scroll fill">${table('dispatches', cols, rows)}</div>` : `<p class="hint">${esc(t('no_dispatches'))}</p>`}`;
}

const opt = (v, label, sel = false) => `<option value="${esc(v)}"${sel ? ' selected' : ''}>${esc(label)}</option>`;

/** The fields each ending asks for; the note is asked by all three. */
function outcomeFields(how) {
  const note = `<label>${esc(t('note'))} <input id="oc-note" name="note" type="text" maxlength="500"></label>`;
  if (how === 'complete') {
    // a text field read by readHours, as the demand form's hours (a number input drops 2h's
    // h and sends 2), what is wrong said beside it in the page's words, not the browser's
    return `<label>${esc(t('hours'))} <input id="oc-hours" name="hours" type="text" inputmode="decimal" maxlength="32" size="8"
        autocomplete="off" aria-describedby="oc-hours-hint oc-hours-err"></label> <span class="hint" id="oc-hours-hint">${esc(t('hours_hint', MAX_HOURS))}</span>
      <span class="field-err" id="oc-hours-err" role="alert"></span>
      <label>${esc(t('rating'))} <select id="oc-rating" name="rating">${opt('', t('no_rating'), true)}${[5, 4, 3, 2, 1].map((r) => opt(r, r)).join('')}</select></label>
      <label class="block"><input id="oc-exempt" name="exempt" type="checkbox"> ${esc(t('exempt'))}</label>
      <label>${esc(t('exempt_reason'))} <input id="oc-exempt-reason" name="exempt_reason" type="text" maxlength="500" disabled
        aria-describedby="oc-exempt-reason-err"></label> <span class="field-err" id="oc-exempt-reason-err" role="alert"></span>
      ${note}`;
  }
  if (how === 'cancel') {
    return `<label>${esc(t('cancel_reason'))} <select id="oc-reason" name="reason" required aria-describedby="oc-reason-err">${opt('', t('pick_reason'), true)}
        ${CANCEL_REASONS.map((r) => opt(r, word('reasons', r) + (r === 'community_withdrew' ? t('withdrew_closes') : ''))).join('')}</select></label>
      <span class="field-err" id="oc-reason-err" role="alert"></span>${note}`;
  }
  return note;
}

/** What is wrong with the service hours typed ('' when fine), said with the codes the
 *  server answers for them (problem.hours_missing, problem.hours_number, problem.hours_range). */
function hoursProblem(h) {
  const fallback = t('hours_hint', MAX_HOURS);
  if (!h) return msg('problem.hours_missing', {}, fallback);
  const { fault } = readHours(h, MAX_HOURS);
  if (fault === 'value') return msg('problem.hours_number', {}, fallback);
  if (fault) return msg('problem.hours_range', { max: MAX_HOURS }, fallback);
  return '';
}

/** Ask for the outcome in a modal dialog; resolves to the request body, or null on 返回. */
function askOutcome(x, how) {
  const d = $('#outcome');
  const form = $('#outcome-form');
  const who = [x.id, x.demand, cadreLabel(x.cadre)];
  const head = how === 'complete' ? t('complete_h', ...who) : how === 'cancel' ? t('cancel_h', ...who) : `${t('no_show')} · #${x.id}`;
  const yes = how === 'complete' ? t('complete_ok') : how === 'cancel' ? t('confirm_yes_cancel') : t('confirm_ok');
  form.innerHTML = `<h3 id="outcome-h">${esc(head)}</h3>
    ${how === 'cancel' ? `<p>${esc(t('confirm_cancel', ...who))}</p>
    <p class="notice" id="oc-withdrew" hidden>${esc(t('withdrew_warn', x.demand))}</p>` : ''}
    <div class="form">${outcomeFields(how)}</div>
    <div class="row"><button id="oc-yes" value="yes" class="${how === 'cancel' ? 'danger' : 'primary'}">${esc(yes)}</button>
      <button id="oc-no" value="no" formnovalidate>${esc(t('confirm_back'))}</button></div>`;
  const hours = $('#oc-hours');
  const exempt = $('#oc-exempt');
  // what each field the dialog asks for must hold, in the server's codes ('' when fine)
  const checks = {
    'oc-hours': () => hoursProblem(hours.value.trim()),
    'oc-exempt-reason': () => (exempt.checked && !$('#oc-exempt-reason').value.trim()
      ? msg('problem.exempt_reason_missing', {}, t('exempt_reason')) : ''),
    'oc-reason': () => ($('#oc-reason').value ? '' : msg('problem.cancel_reason_missing', {}, t('pick_reason'))),
  };
  const fields = Object.keys(checks).filter((id) => $(`#${id}`));
  // novalidate: the browser's own bubbles (Please select an item in the list.) speak its
  // locale, not the page's. 确认 with a field that cannot be sent keeps the dialog open and
  // says why beside it; once said, the error is checked again as it changes (cleared when
  // right); the form outlives the dialog, so its handler is set (replacing the last one's)
  form.noValidate = true;
  form.onsubmit = (e) => {
    if (e.submitter?.value !== 'yes') return;
    const bad = fields.filter((id) => { const why = checks[id](); fieldError(id, why); return why; });
    if (bad.length) { e.preventDefault(); $(`#${bad[0]}`).focus(); }
  };
  for (const id of fields) {
    const again = () => { if ($(`#${id}-err`).textContent) fieldError(id, checks[id]()); };
    $(`#${id}`).addEventListener('input', again);
    $(`#${id}`).addEventListener('change', again);
  }
  // the reason that withdraws the demand says what else it ends, once chosen
  $('#oc-reason')?.addEventListener('change', (e) => { $('#oc-withdrew').hidden = e.target.value !== 'community_withdrew'; });
  exempt?.addEventListener('change', () => {
    const r = $('#oc-exempt-reason');
    r.disabled = !exempt.checked;
    r.required = exempt.checked;
    if (exempt.checked) r.focus(); else fieldError('oc-exempt-reason', '');
  });
  d.returnValue = '';
  d.showModal();
  (hours ?? $('#oc-no')).focus();
  return new Promise((resolve) => {
    d.addEventListener('close', () => {
      if (d.returnValue !== 'yes') { resolve(null); return; }
      const body = {};
      const note = $('#oc-note').value.trim();
      if (note) body.note = note;
      if (how === 'complete') {
        body.hours = readHours(hours.value.trim(), MAX_HOURS).n;
        const rating = $('#oc-rating').value;
        if (rating) body.rating = Number(rating);
        if (exempt.checked) { body.exempt = true; body.exempt_reason = $('#oc-exempt-reason').value.trim(); }
      } else if (how === 'cancel') {
        body.reason = $('#oc-reason').value;
      }
      resolve(body);
    }, { once: true });
  });
}

/** End a dispatch. Its row changes as soon as the write answers (its buttons are off while
 *  the write is out, so a second click cannot end it twice and get 409); the pool, whose
 *  counts other views show, is read again after, in the background, not before the list. */
async function closeDispatch(id, how) {
  const x = S.dispatches.find((y) => y.id === id);
  if (!x) return;
  const body = await askOutcome(x, how);
  if (!body) return;
  const row = $(`#dispatches tr[data-id="${id}"]`);
  for (const b of row?.querySelectorAll('button') ?? []) b.disabled = true;
  row?.setAttribute('aria-busy', 'true');
  setStatus(() => t('di_saving', id));
  let done;
  try {
    done = await write(dpath(`/dispatches/${id}/${how}`), 'POST', body);
  } catch (err) {
    await renderDispatches().catch(() => {}); // as the server has it now (another may have ended it)
    throw err;
  }
  S.record = null; // the cadre's record changed with it
  if (how === 'cancel' && body.reason === 'community_withdrew') {
    await renderDispatches(); // the demand's other active dispatches ended with it
  } else {
    S.dispatches = S.dispatches.map((y) => (y.id === id ? { ...y, ...done } : y)).filter(inFilter);
    drawDispatches(); // the same filter: the list the dispatcher was working through
  }
  setStatus(() => t({ complete: 'completed_n', cancel: 'cancelled_n', 'no-show': 'no_show_n' }[how], id));
  guarded(reloadPool); // demand counts and cadre loads, for the other views
}

export function wireDispatches() {
  const di = $('#view-dispatches');
  di.addEventListener('change', (e) => { if (e.target.id === 'dfilter') { S.dispFilter = e.target.value; guarded(renderDispatches); } });
  di.addEventListener('click', (e) => guarded(async () => {
    const b = e.target.closest('button.complete, button.cancel, button.no-show');
    if (!b) return;
    const how = b.classList.contains('complete') ? 'complete' : b.classList.contains('cancel') ? 'cancel' : 'no-show';
    await closeDispatch(Number(b.dataset.id), how);
  }));
}
