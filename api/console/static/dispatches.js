// Dispatches: filtered by status; complete, mark a no-show or (after a confirmation) cancel.

import { $, S, can, esc, setStatus, table, when } from './core.js';
import { dpath, listAll, reloadPool, write } from './api.js';
import { num, st, t } from './i18n.js';
import { cadreLabel, commName } from './overview.js';
import { actor } from './proposal.js';
import { confirmDialog, guarded } from './ui.js';

const STATUSES = ['active', 'completed', 'cancelled', 'no_show', 'all'];
const CANCEL_REASONS = ['cadre_unavailable', 'no_show', 'community_withdrew', 'duplicate', 'other'];

export async function renderDispatches() {
  const q = S.dispFilter === 'all' ? '' : `?status=${S.dispFilter}`;
  S.dispatches = await listAll(`/dispatches${q}`);
  const w = can.write();
  const view = $('#view-dispatches');
  const cols = [
    { label: '#', cls: 'n' }, { label: t('demand') }, { label: t('community') }, { label: t('cadre') },
    { label: t('score'), cls: 'n' }, { label: t('status') }, { label: t('created'), cls: 'when' }, { label: t('closed'), cls: 'when' },
    { label: t('by') }, { label: t('note_col') },
  ];
  if (w) cols.push({ label: t('actions'), cls: 'acts' });
  const rows = S.dispatches.map((x) => {
    const d = S.demById.get(x.demand);
    const by = x.closed_by ? `${actor(x.created_by)} → ${actor(x.closed_by)}` : actor(x.created_by);
    const cells = [x.id, `${esc(x.demand)} ${esc(d?.title || '')}`, esc(commName(d?.community)),
      `<span class="cname">${esc(cadreLabel(x.cadre))}</span>`, num(x.score),
      `<span class="state ${esc(x.status)}">${esc(st(x.status))}</span>`, esc(when(x.created_at)), esc(when(x.closed_at)),
      by, esc(x.note ?? '')];
    if (w) {
      cells.push(x.status === 'active' ? `<button type="button" class="complete" data-id="${x.id}">${esc(t('complete'))}</button>
        <button type="button" class="no-show" data-id="${x.id}">${esc(t('no_show'))}</button>
        <button type="button" class="cancel danger" data-id="${x.id}">${esc(t('cancel'))}</button>` : '');
    }
    return { attrs: ` data-id="${x.id}"`, cells };
  });
  view.innerHTML = `<div class="head"><h2 id="di-h">${esc(t('di_h'))}</h2>
      <label>${esc(t('status'))} <select id="dfilter">${STATUSES.map((s) =>
        `<option value="${s}"${s === S.dispFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : st(s))}</option>`).join('')}</select></label>
      ${w ? `<label>${esc(t('note'))} <input id="dnote" type="text" maxlength="500"></label>
      <label>${esc(t('hours_in'))} <input id="dhours" type="number" min="0.5" step="0.5" value="2"></label>
      <label>${esc(t('rating_in'))} <select id="drating"><option value="">–</option>${[1, 2, 3, 4, 5].map((r) =>
        `<option value="${r}">${r}</option>`).join('')}</select></label>
      <label>${esc(t('cancel_reason'))} <select id="dreason">${CANCEL_REASONS.map((r) =>
        `<option value="${r}"${r === 'other' ? ' selected' : ''}>${esc(t('cr_' + r))}</option>`).join('')}</select></label>` : ''}</div>
    ${rows.length ? `<p class="hint">${esc(t('shown', rows.length, rows.length))}</p>
      <div class="scroll fill">${table('dispatches', cols, rows)}</div>` : `<p class="hint">${esc(t('no_dispatches'))}</p>`}`;
}

async function closeDispatch(id, how) {
  if (how === 'cancel') {
    const x = S.dispatches.find((y) => y.id === id);
    if (!await confirmDialog(t('confirm_cancel', id, x?.demand ?? '', cadreLabel(x?.cadre ?? '')), t('confirm_yes_cancel'))) return;
  }
  const note = $('#dnote')?.value.trim();
  const body = note ? { note } : {};
  if (how === 'complete') {
    // the outcome: service hours (required), the community's rating (optional)
    body.hours = Number($('#dhours')?.value || 0);
    const rating = $('#drating')?.value;
    if (rating) body.rating = Number(rating);
  }
  if (how === 'cancel') body.reason = $('#dreason')?.value || 'other';
  await write(dpath(`/dispatches/${id}/${how}`), 'POST', body);
  await reloadPool();
  await renderDispatches(); // the same filter: the list the dispatcher was working through
  setStatus(t({ complete: 'completed_n', cancel: 'cancelled_n', 'no-show': 'no_show_n' }[how], id));
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
