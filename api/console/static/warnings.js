// Three-colour warnings (三色预警): the suggestions the record's rules made, each with its
// reasons (coded messages rendered in the page's language); a dispatcher or admin confirms
// one (the cadre's colour changes) or dismisses it, with a note, or ticks several and
// decides them together (one request each; what the server refused is listed per warning).
// The list can be narrowed to one rule. Nothing changes by itself. The words of the rule
// filter and the decisions together join I18N when this module loads.

import { $, S, can, esc, setStatus, table, when } from './core.js';
import { ApiError, dpath, listAll, reloadPool, write } from './api.js';
import { I18N, msg, problemText, st, t, word } from './i18n.js';
import { cadreLabel, tri } from './overview.js';
import { actor } from './proposal.js';
import { confirmDialog, guarded } from './ui.js';

Object.assign(I18N.zh, {
  wa_all_rules: '全部规则', wa_pick: (id) => `选择预警 #${id}`, wa_pick_all: '全选所显示的待处理预警',
  wa_confirm_sel: '确认所选', wa_dismiss_sel: '驳回所选', wa_none_picked: '请先勾选待处理的预警。',
  wa_bulk_ask: (n, how) => (how === 'confirm' ? `确认所选 ${n} 条预警？相关干部的三色状态将随之调整。` : `驳回所选 ${n} 条预警？干部的三色状态不变。`),
  wa_bulk_done: (n, how, bad) => `已${how === 'confirm' ? '确认' : '驳回'} ${n} 条预警${bad ? `；${bad} 条未能处理，见下方` : ''}`,
  wa_failed_h: (n) => `${n} 条预警未能处理（可逐条处理）：`,
});
Object.assign(I18N.en, {
  wa_all_rules: 'All rules', wa_pick: (id) => `Select warning #${id}`, wa_pick_all: 'Select every pending warning shown',
  wa_confirm_sel: 'Confirm selected', wa_dismiss_sel: 'Dismiss selected', wa_none_picked: 'Tick pending warnings first.',
  wa_bulk_ask: (n, how) => (how === 'confirm' ? `Confirm the ${n} selected warning(s)? The cadres' colours change with them.` : `Dismiss the ${n} selected warning(s)? The colours stay.`),
  wa_bulk_done: (n, how, bad) => `${how === 'confirm' ? 'Confirmed' : 'Dismissed'} ${n} warning(s)${bad ? `; ${bad} not decided, listed below` : ''}`,
  wa_failed_h: (n) => `${n} warning(s) not decided (decide them one by one):`,
});

const STATES = ['pending', 'confirmed', 'dismissed', 'all'];

/** A rule's name (`warning_rule.<rule>` in the catalogue). */
export const ruleName = (rule) => msg(`warning_rule.${rule}`, {}, rule);

/** A warning's reasons in words, one string each (`reasons`: [{code, params}]). */
export const warningReasons = (w) => (w.reasons || []).map((r) => msg(r.code, r.params, r.text ?? r.code));

/** from → to, as coloured dots and words. */
export const change = (w) => `${tri({ status: w.from_status })} → ${tri({ status: w.to_status })}`;

/** The reasons as a list (for a table cell or a panel). */
export const reasonList = (w) => `<ul class="plain reasons">${warningReasons(w).map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;

/** The warnings of the rule filter, in the server's order (newest first). */
const shownWarnings = () => S.warnings.filter((x) => S.warnRule === 'all' || x.rule === S.warnRule);

/** What the last decision together could not decide: one line per warning, the server's words. */
function failuresBlock() {
  const f = S.warnFailures;
  if (!f.length) return '';
  return `<div class="notice" id="wa-failures" role="alert"><p>${esc(t('wa_failed_h', f.length))}</p>
    <ul class="plain">${f.map((x) => `<li data-id="${x.id}">#${x.id} ${esc(cadreLabel(x.cadre))}${S.lang === 'zh' ? '：' : ': '}${esc(x.text)}</li>`).join('')}</ul></div>`;
}

export async function renderWarnings() {
  const q = S.warnFilter === 'all' ? '' : `?state=${S.warnFilter}`;
  S.warnings = await listAll(`/warnings${q}`);
  const rules = [...new Set(S.warnings.map((x) => x.rule).concat(S.warnRule === 'all' ? [] : [S.warnRule]))].sort();
  const shown = shownWarnings();
  const pending = new Set(shown.filter((x) => x.state === 'pending').map((x) => x.id));
  S.warnPicked = new Set([...S.warnPicked].filter((id) => pending.has(id)));
  const w = can.write();
  const view = $('#view-warnings');
  const cols = [{ label: '#', cls: 'n' }, { label: t('cadre') }, { label: t('wa_rule') }, { label: t('wa_change') },
    { label: t('wa_now') }, { label: t('wa_reasons') }, { label: t('time'), cls: 'when' }, { label: t('state') },
    { label: t('wa_decided') }];
  const picking = w && pending.size > 0;
  if (picking) {
    const all = pending.size > 0 && [...pending].every((id) => S.warnPicked.has(id));
    cols.unshift({ label: t('select'),
      head: `<input type="checkbox" id="wa-pick-all" aria-label="${esc(t('wa_pick_all'))}"${all ? ' checked' : ''}>` });
  }
  if (w) cols.push({ label: t('actions'), cls: 'acts' });
  const rows = shown.map((x) => {
    const c = S.cadById.get(x.cadre);
    const decided = x.state === 'pending' ? '' : [actor(x.decided_by), esc(when(x.decided_at)), esc(x.note ?? '')].filter(Boolean).join(' · ');
    const cells = [x.id, `<span class="cname">${esc(cadreLabel(x.cadre))}</span>`, esc(ruleName(x.rule)), change(x),
      c ? `<span class="now">${tri(c)}</span>` : '—', reasonList(x), esc(when(x.created_at)),
      `<span class="state ${esc(x.state)}">${esc(word('wa_state', x.state))}</span>`, decided];
    if (w) {
      cells.push(x.state === 'pending' ? `<button type="button" class="wa-confirm primary" data-id="${x.id}">${esc(t('wa_confirm'))}</button>
        <button type="button" class="wa-dismiss" data-id="${x.id}">${esc(t('wa_dismiss'))}</button>` : '');
    }
    if (picking) {
      cells.unshift(x.state === 'pending' ? `<input type="checkbox" class="wa-pick" data-id="${x.id}"
        aria-label="${esc(t('wa_pick', x.id))}"${S.warnPicked.has(x.id) ? ' checked' : ''}>` : '');
    }
    return { attrs: ` data-id="${x.id}" data-cadre="${esc(x.cadre)}" data-rule="${esc(x.rule)}"`, cells };
  });
  const note = S.warnNote ?? '';
  view.innerHTML = `<div class="head"><h2 id="wa-h">${esc(t('wa_h'))}</h2>
      <label>${esc(t('state'))} <select id="wa-filter">${STATES.map((s) =>
        `<option value="${s}"${s === S.warnFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : word('wa_state', s))}</option>`).join('')}</select></label>
      <label>${esc(t('wa_rule'))} <select id="wa-rule"><option value="all">${esc(t('wa_all_rules'))}</option>${rules.map((r) =>
        `<option value="${esc(r)}"${r === S.warnRule ? ' selected' : ''}>${esc(ruleName(r))}</option>`).join('')}</select></label>
      ${w ? `<label>${esc(t('wa_note'))} <input id="wa-note" type="text" maxlength="500" value="${esc(note)}"></label>
        <button type="button" id="wa-evaluate">${esc(t('wa_evaluate'))}</button>` : ''}</div>
    ${picking ? `<div class="actions row" id="wa-bulk"><button type="button" id="wa-confirm-sel" class="primary">${esc(t('wa_confirm_sel'))}</button>
      <button type="button" id="wa-dismiss-sel">${esc(t('wa_dismiss_sel'))}</button></div>` : ''}
    ${failuresBlock()}
    ${rows.length ? `<p class="hint" id="wa-count">${esc(t('shown', rows.length, S.warnings.length))}</p>
      <div class="scroll fill">${table('warnings', cols, rows)}</div>` : `<p class="hint" id="wa-none">${esc(t('wa_none'))}</p>`}`;
}

/** Confirm or dismiss every ticked warning, one request each, in the list's order. A red
 *  confirmation over active dispatches is not forced here: it is listed with the others the
 *  server refused, to be decided one by one (where the page asks first). */
async function decidePicked(how) {
  const ids = shownWarnings().filter((x) => x.state === 'pending' && S.warnPicked.has(x.id)).map((x) => x.id);
  if (!ids.length) { setStatus(() => t('wa_none_picked')); return; }
  if (!await confirmDialog(t('wa_bulk_ask', ids.length, how), t(how === 'confirm' ? 'wa_confirm_sel' : 'wa_dismiss_sel'))) return;
  const note = $('#wa-note')?.value.trim();
  const failed = [];
  let done = 0;
  for (const id of ids) {
    try {
      await write(dpath(`/warnings/${id}/${how}`), 'POST', note ? { note } : {});
      done += 1;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failed.push({ id, cadre: S.warnings.find((x) => x.id === id)?.cadre ?? '', text: problemText(err) });
    }
  }
  Object.assign(S, { warnPicked: new Set(), warnFailures: failed, warnNote: '', record: null });
  if (done && how === 'confirm') await reloadPool(); // the cadres' colours, as the solver now sees them
  await renderWarnings();
  setStatus(() => t('wa_bulk_done', done, how, failed.length));
}

async function evaluate() {
  const made = await write(dpath('/warnings/evaluate'), 'POST', {});
  S.warnFailures = [];
  const n = Array.isArray(made) ? made.length : made?.data?.length ?? made?.count ?? 0;
  await renderWarnings();
  setStatus(() => t('wa_evaluated', n));
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
  Object.assign(S, { record: null, warnFailures: [], warnNote: '' });
  await reloadPool(); // the cadre's colour, as the solver now sees it
  await renderWarnings();
  setStatus(() => how === 'confirm' ? t('wa_confirmed', id, cadreLabel(x?.cadre ?? ''), st(x?.to_status)) : t('wa_dismissed', id));
}

export function wireWarnings() {
  const v = $('#view-warnings');
  v.addEventListener('change', (e) => {
    const el = e.target;
    if (el.id === 'wa-filter' || el.id === 'wa-rule') {
      if (el.id === 'wa-filter') S.warnFilter = el.value; else S.warnRule = el.value;
      Object.assign(S, { warnPicked: new Set(), warnFailures: [], warnNote: $('#wa-note')?.value ?? '' });
      guarded(renderWarnings);
    } else if (el.classList.contains('wa-pick')) {
      if (el.checked) S.warnPicked.add(Number(el.dataset.id)); else S.warnPicked.delete(Number(el.dataset.id));
      const all = $('#wa-pick-all');
      if (all) all.checked = [...v.querySelectorAll('input.wa-pick')].every((x) => x.checked);
    } else if (el.id === 'wa-pick-all') {
      for (const box of v.querySelectorAll('input.wa-pick')) {
        box.checked = el.checked;
        if (el.checked) S.warnPicked.add(Number(box.dataset.id)); else S.warnPicked.delete(Number(box.dataset.id));
      }
    }
  });
  v.addEventListener('click', (e) => guarded(async () => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.id === 'wa-evaluate') await evaluate();
    else if (b.id === 'wa-confirm-sel') await decidePicked('confirm');
    else if (b.id === 'wa-dismiss-sel') await decidePicked('dismiss');
    else if (b.classList.contains('wa-confirm')) await decide(Number(b.dataset.id), 'confirm');
    else if (b.classList.contains('wa-dismiss')) await decide(Number(b.dataset.id), 'dismiss');
  }));
}
