// Three-colour warnings (三色预警): the suggestions the record's rules made, each with its
// reasons (coded messages rendered in the page's language); a dispatcher or admin confirms
// one (the cadre's colour changes) or dismisses it, with a note. Nothing changes by itself.

import { $, S, can, esc, setStatus, table, when } from './core.js';
import { ApiError, dpath, listAll, reloadPool, write } from './api.js';
import { msg, st, t, word } from './i18n.js';
import { cadreLabel, tri } from './overview.js';
import { actor } from './proposal.js';
import { confirmDialog, guarded } from './ui.js';

const STATES = ['pending', 'confirmed', 'dismissed', 'all'];

/** A rule's name (`warning_rule.<rule>` in the catalogue). */
export const ruleName = (rule) => msg(`warning_rule.${rule}`, {}, rule);

/** A warning's reasons in words, one string each (`reasons`: [{code, params}]). */
export const warningReasons = (w) => (w.reasons || []).map((r) => msg(r.code, r.params, r.text ?? r.code));

/** from → to, as coloured dots and words. */
export const change = (w) => `${tri({ status: w.from_status })} → ${tri({ status: w.to_status })}`;

/** The reasons as a list (for a table cell or a panel). */
export const reasonList = (w) => `<ul class="plain reasons">${warningReasons(w).map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;

export async function renderWarnings() {
  const q = S.warnFilter === 'all' ? '' : `?state=${S.warnFilter}`;
  S.warnings = await listAll(`/warnings${q}`);
  const w = can.write();
  const view = $('#view-warnings');
  const cols = [{ label: '#', cls: 'n' }, { label: t('cadre') }, { label: t('wa_rule') }, { label: t('wa_change') },
    { label: t('wa_now') }, { label: t('wa_reasons') }, { label: t('time'), cls: 'when' }, { label: t('state') },
    { label: t('wa_decided') }];
  if (w) cols.push({ label: t('actions'), cls: 'acts' });
  const rows = S.warnings.map((x) => {
    const c = S.cadById.get(x.cadre);
    const decided = x.state === 'pending' ? '' : [actor(x.decided_by), esc(when(x.decided_at)), esc(x.note ?? '')].filter(Boolean).join(' · ');
    const cells = [x.id, `<span class="cname">${esc(cadreLabel(x.cadre))}</span>`, esc(ruleName(x.rule)), change(x),
      c ? `<span class="now">${tri(c)}</span>` : '—', reasonList(x), esc(when(x.created_at)),
      `<span class="state ${esc(x.state)}">${esc(word('wa_state', x.state))}</span>`, decided];
    if (w) {
      cells.push(x.state === 'pending' ? `<button type="button" class="wa-confirm primary" data-id="${x.id}">${esc(t('wa_confirm'))}</button>
        <button type="button" class="wa-dismiss" data-id="${x.id}">${esc(t('wa_dismiss'))}</button>` : '');
    }
    return { attrs: ` data-id="${x.id}" data-cadre="${esc(x.cadre)}"`, cells };
  });
  view.innerHTML = `<div class="head"><h2 id="wa-h">${esc(t('wa_h'))}</h2>
      <label>${esc(t('state'))} <select id="wa-filter">${STATES.map((s) =>
        `<option value="${s}"${s === S.warnFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : word('wa_state', s))}</option>`).join('')}</select></label>
      ${w ? `<label>${esc(t('wa_note'))} <input id="wa-note" type="text" maxlength="500"></label>
        <button type="button" id="wa-evaluate">${esc(t('wa_evaluate'))}</button>` : ''}</div>
    ${rows.length ? `<p class="hint">${esc(t('shown', rows.length, rows.length))}</p>
      <div class="scroll fill">${table('warnings', cols, rows)}</div>` : `<p class="hint" id="wa-none">${esc(t('wa_none'))}</p>`}`;
}

async function evaluate() {
  const made = await write(dpath('/warnings/evaluate'), 'POST', {});
  const n = Array.isArray(made) ? made.length : made?.data?.length ?? made?.count ?? 0;
  await renderWarnings();
  setStatus(t('wa_evaluated', n));
}

/** Confirm or dismiss; a red confirmation on a cadre with active dispatches asks first (409). */
async function decide(id, how) {
  const x = S.warnings.find((y) => y.id === id);
  const note = $('#wa-note')?.value.trim();
  const body = note ? { note } : {};
  const path = dpath(`/warnings/${id}/${how}`);
  try {
    await write(path, 'POST', body);
  } catch (err) {
    const active = err instanceof ApiError && err.status === 409 && how === 'confirm'
      ? (err.problem.changes || []).filter((c) => c.kind === 'active_dispatch').length : 0;
    if (!active) throw err;
    if (!await confirmDialog(t('wa_red_active', cadreLabel(x?.cadre ?? ''), active), t('wa_red_yes'))) return;
    await write(`${path}?end_dispatches=cancel`, 'POST', body);
  }
  S.record = null;
  await reloadPool(); // the cadre's colour, as the solver now sees it
  await renderWarnings();
  setStatus(how === 'confirm' ? t('wa_confirmed', id, cadreLabel(x?.cadre ?? ''), st(x?.to_status)) : t('wa_dismissed', id));
}

export function wireWarnings() {
  const v = $('#view-warnings');
  v.addEventListener('change', (e) => { if (e.target.id === 'wa-filter') { S.warnFilter = e.target.value; guarded(renderWarnings); } });
  v.addEventListener('click', (e) => guarded(async () => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.id === 'wa-evaluate') await evaluate();
    else if (b.classList.contains('wa-confirm')) await decide(Number(b.dataset.id), 'confirm');
    else if (b.classList.contains('wa-dismiss')) await decide(Number(b.dataset.id), 'dismiss');
  }));
}
