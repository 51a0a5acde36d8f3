// The proposal: the district's position and this proposal's KPIs, the assignments to accept
// or reject (a reject may say the person is unavailable), why each pair, what stays unfilled,
// and the declines so far.

import { $, S, can, esc, key, setStatus, table, when } from './core.js';
import { ApiError, LIVE, api, dpath, jobFailure, jobUrl, pollJob, reloadDeclines, reloadPool, write } from './api.js';
import { I18N, listSep, num, pct, reasons, say, st, t, word } from './i18n.js';
import { cadreLabel, commName } from './overview.js';
import { dateInput, dateValue, guarded } from './ui.js';

async function loadLatestProposal() {
  const list = await api(dpath('/proposals?limit=1'));
  S.proposal = list.data.length ? await api(dpath(`/proposals/${list.data[0].id}`)) : null;
  await reloadDeclines();
}

/** Each proposal's picks per demand (``district|id`` → Map demand → Set of cadres), read
 *  once: a decline names the proposal it was made on, and a pick of a later proposal is the
 *  replacement of a declined cadre only when it was not picked for that demand there. */
const PICKS = new Map();
function remember(district, p) {
  const m = new Map();
  for (const a of p.result.assignments) m.set(a.demand, (m.get(a.demand) || new Set()).add(a.cadre));
  PICKS.set(`${district}|${p.id}`, m);
}

/** Read the proposals the declines of ``p``'s open demands were made on (those not read yet). */
async function loadDeclineSources(p) {
  const district = S.district;
  remember(district, p);
  const open = new Set(p.result.assignments.filter((a) => a.state === 'pending').map((a) => a.demand));
  const ids = new Set(S.declines.filter((x) => x.proposal != null && x.proposal < p.id && open.has(x.demand)
    && !PICKS.has(`${district}|${x.proposal}`)).map((x) => x.proposal));
  for (const id of ids) {
    try {
      remember(district, await api(dpath(`/proposals/${id}`, district)));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      PICKS.set(`${district}|${id}`, null); // not to be read: none of its declines labels a pick
    }
  }
}

/** The declined cadres the pick ``a`` of the shown proposal replaced: those declined on its
 *  demand in an earlier proposal that did not pick ``a.cadre`` for it. The other picks of
 *  the demand (kept from that proposal, or in the proposal the decline was made on) replaced
 *  nobody. */
function replaced(a) {
  const id = S.proposal.id;
  return S.declines.filter((x) => {
    if (x.demand !== a.demand || x.cadre === a.cadre || x.proposal == null || x.proposal >= id) return false;
    const then = PICKS.get(`${S.district}|${x.proposal}`);
    return Boolean(then) && !then.get(a.demand)?.has(a.cadre);
  }).map((x) => x.cadre);
}

/** Who acted: a token's label, or its number when it has none. */
export const actor = (a) => (a ? esc(a.label || t('token_n', a.token)) : '—');

/** May this proposal still be decided? (A server before proposal status says nothing: yes.)
 *  A planner's draft never is: the server answers 409 conflict.draft. */
const decidable = (p) => !p.draft && (!p.status || p.status === 'pending');

// a mean a proposal has not (it assigns nobody: no fit, no travel) is null, shown as —
const none = (v) => v === null || v === undefined;

function kpiBlock(p) {
  const kp = p.result.kpis;
  const dist = p.result.district;
  // a decided or superseded proposal's position is the one it was computed on: the
  // district has moved since, so the label says when it was true
  const label = decidable(p) ? t('kpi_district') : t('kpi_district_then');
  const district = dist ? `<div class="wide" id="kpi-district"><dt>${esc(label)}</dt>
      <dd>${esc(t('district_line', dist.staffed_before, dist.proposed, dist.staffed_after, dist.slots_total))}
      <span class="sub">（${esc(t('district_rate', pct(dist.fill_rate_before), pct(dist.fill_rate_after)))}）</span></dd></div>` : '';
  return `<dl class="kpis" id="kpis">${district}
      <div><dt>${esc(t('kpi_filled'))}</dt><dd>${kp.slots_filled}/${kp.slots_total}</dd></div>
      <div><dt>${esc(t('kpi_fill'))}</dt><dd>${pct(kp.fill_rate)}</dd></div>
      <div><dt>${esc(t('kpi_pw'))}</dt><dd>${pct(kp.priority_weighted_fill)}</dd></div>
      <div><dt>${esc(t('kpi_fit'))}</dt><dd>${none(kp.mean_skill_fit) ? '—' : num(kp.mean_skill_fit)}</dd></div>
      <div><dt>${esc(t('kpi_km'))}</dt><dd>${none(kp.mean_travel_km) ? '—' : `${num(kp.mean_travel_km, 1)} ${esc(t('km'))}`}</dd></div>
      <div><dt>${esc(t('kpi_used'))}</dt><dd>${kp.cadres_used}/${kp.cadres_available}</dd></div>
      <div><dt>${esc(t('kpi_solver'))}</dt><dd>${esc(word('solver', p.result.solver))}${p.result.certified ? ` · ${esc(t('certified'))}` : ''}</dd></div>
    </dl>`;
}

/** Does the district have dated orders (a start)? Only then is a horizon worth asking for. */
const dated = () => S.demands.some((d) => d.start);

/** The optional horizon of a proposal: its first and last day (yyyy-mm-dd). */
function horizonFields() {
  if (!dated()) return '';
  const keep = (id) => $(`#${id}`)?.value ?? '';
  return `<span class="horizon" id="p-horizon"><label>${esc(t('p_from'))} ${dateInput('p-from', keep('p-from'))}</label>
    <label>${esc(t('p_to'))} ${dateInput('p-to', keep('p-to'))}</label>
    <span class="hint">${esc(t('p_horizon_hint'))}</span></span>`;
}

export async function renderProposal() {
  if (S.proposal === null) await loadLatestProposal();
  if (S.proposal) await loadDeclineSources(S.proposal);
  const view = $('#view-proposal');
  const p = S.proposal;
  // a draft's own filter has no option on a proposal that is not one: it would hide every row
  if (S.stateFilter === 'draft' && !p?.draft) S.stateFilter = 'all';
  const note = p?.draft ? t('draft_note') : p && p.status === 'superseded' ? t('superseded_note')
    : p && p.status === 'decided' ? t('decided_note') : p && p.status === 'empty' ? t('empty_note') : '';
  view.innerHTML = `
    <div class="head"><h2 id="pr-h">${esc(t('pr_h'))}</h2>
      ${can.propose() ? `<button type="button" id="propose" class="primary"${S.busy ? ' disabled' : ''}>${esc(t('propose'))}</button>
      ${horizonFields()}` : `<span class="hint">${esc(t('no_propose_role'))}</span>`}
      <span id="progress"${S.busy ? '' : ' hidden'}><progress aria-label="${esc(t('proposing'))}"></progress> ${esc(t('proposing'))}</span>
      <button type="button" id="job-cancel" class="danger"${S.job && ['queued', 'running'].includes(S.job.status) ? '' : ' hidden'}${S.jobCancelling ? ' disabled' : ''}>${esc(t('job_cancel'))}</button>
      <span id="pinfo" class="hint">${p ? esc(t('proposal_n', p.id, when(p.created_at))) : esc(t('no_proposal'))}
        ${p?.status ? `<span class="state ${esc(p.status)}">${esc(word('pstatus', p.status))}</span>` : ''}</span></div>
    ${p ? `${kpiBlock(p)}
    ${note ? `<p class="notice" id="pnote">${esc(note)}</p>` : ''}
    <div class="filters">
      <label>${esc(t('filter'))} <input id="pfilter" type="search" value="${esc(S.filter)}"></label>
      <label>${esc(t('state'))} <select id="pstate">
        ${['all', 'pending', 'accepted', 'rejected', 'superseded', ...(p.draft ? ['draft'] : [])].map((s) => `<option value="${s}"${s === S.stateFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : st(s))}</option>`).join('')}
      </select></label>
      <span id="pcount" class="hint"></span>
    </div>
    ${can.write() && decidable(p) ? `<div class="actions" id="pactions">
      <div class="row"><button type="button" id="accept-sel" class="primary"${deciding ? ' disabled' : ''}>${esc(t('accept_sel'))}</button>
      <button type="button" id="accept-all"${deciding ? ' disabled' : ''}>${esc(t('accept_all'))}</button></div>
      <div class="row"><label>${esc(t('reason'))} <input id="reason" type="text" maxlength="500"></label>
      <label><input id="rej-unavail" type="checkbox"> ${esc(t('rej_unavail'))}</label>
      <label>${esc(t('rej_until'))} ${dateInput('rej-until')}</label>
      <button type="button" id="reject-sel" class="danger"${deciding ? ' disabled' : ''}>${esc(t('reject_sel'))}</button></div></div>` : ''}
    <div class="proposal">
      <div class="scroll tall"><table class="grid cards sortable" id="assignments"><thead><tr id="ahead"></tr></thead><tbody id="abody"></tbody></table></div>
      <aside id="explain" class="card explain" aria-live="polite" aria-labelledby="ex-h"></aside>
    </div>
    <details class="card" id="unfilled"><summary>${esc(t('unfilled_h', p.result.unfilled.length))}</summary>
      <ul class="unfilled">${p.result.unfilled.map(unfilledItem).join('')}</ul></details>` : ''}
    ${declinesBlock()}`;
  if (p) { drawAssignments(); drawExplain(); }
  if (S.busy) drawJob(); // back on this view while a proposal is computed: say where it is
}

/** The shown proposal's pairs rejected with their person (本人暂不可派): no pair decline is
 *  kept for them, so they are listed from the proposal, with the person's unavailability
 *  (until when, why, when and by whom) while it lasts. */
function personRejects() {
  const p = S.proposal;
  if (!p) return [];
  const pairs = new Set(S.declines.filter((x) => x.proposal === p.id).map(key));
  return p.result.assignments.filter((a) => a.state === 'rejected' && !pairs.has(key(a))).map((a) => {
    const u = S.cadById.get(a.cadre)?.unavailable;
    const why = u ? [t('unavail', u.until), u.reason].filter(Boolean).join(' · ') : t('rej_unavail');
    return { demand: a.demand, cadre: a.cadre, why, created_at: u?.created_at ?? '', created_by: u?.created_by };
  });
}

/** 拒绝记录: the district's pair declines and the people rejected from the shown proposal,
 *  newest first, as many as the rejects the API counts on it. */
function declinesBlock() {
  const ds = [...S.declines.map((x) => ({ ...x, why: x.reason ?? '—' })).reverse(), ...personRejects()]
    .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  return `<details class="card" id="declines"><summary>${esc(t('declines_h', ds.length))}</summary>
    ${ds.length ? `<div class="scroll">${table('declines-table', [
      { label: t('demand') }, { label: t('cadre') }, { label: t('reason') }, { label: t('time') }, { label: t('by') }],
    ds.map((x) => ({ cells: [`${esc(x.demand)} ${esc(S.demById.get(x.demand)?.title || '')}`,
      `<span class="cname">${esc(cadreLabel(x.cadre))}</span>`, esc(x.why), esc(x.created_at ? when(x.created_at) : '—'), actor(x.created_by)] })))}</div>`
    : `<p class="hint">${esc(t('no_declines'))}</p>`}</details>`;
}

function unfilledItem(u) {
  const d = S.demById.get(u.demand);
  const fix = u.counterfactual ?? u.fix ?? u.relaxation;
  return `<li><b>${esc(u.demand)}</b> ${esc(d?.title || '')} · ${esc(commName(d?.community))} · ${esc(t('slots'))} ${u.slots}
    · ${esc(t('qualified'))} ${u.qualified ?? '—'}
    <ul>${reasons(u).map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
    ${fix ? `<p class="fix"><b>${esc(t('fix'))}:</b> ${esc(say(fix))}</p>` : ''}</li>`;
}

const COLS = [
  ['demand', (a) => a.demand], ['community', (a) => commName(S.demById.get(a.demand)?.community)],
  ['cadre', (a) => a.cadre], ['score', (a) => a.score], ['state', (a) => a.state],
];
/** The columns the role can fill: a role that cannot read the pool (a supervisor) does not
 *  know a demand's community, so it has no community column rather than an empty one. */
export const knowsCommunities = () => can.read();
const cols = () => COLS.filter(([k]) => k !== 'community' || knowsCommunities());

function visibleAssignments() {
  const f = S.filter.trim().toLowerCase();
  const [, get] = COLS.find(([k]) => k === S.sort.key);  // a hidden column is never sorted by
  return S.proposal.result.assignments.filter((a) => {
    if (S.stateFilter !== 'all' && a.state !== S.stateFilter) return false;
    if (!f) return true;
    const d = S.demById.get(a.demand);
    return [a.demand, a.cadre, d?.title, commName(d?.community), S.cadById.get(a.cadre)?.name]
      .some((x) => String(x ?? '').toLowerCase().includes(f));
  }).sort((a, b) => {
    const x = get(a), y = get(b);
    return (typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN')) * S.sort.dir || a.demand.localeCompare(b.demand);
  });
}

function drawAssignments() {
  const w = can.write() && decidable(S.proposal);
  $('#ahead').innerHTML = (w ? `<th scope="col" class="pickcol"><span class="sr">${esc(t('select'))}</span></th>` : '') + cols().map(([k]) => {
    const on = S.sort.key === k;
    const aria = on ? ` aria-sort="${S.sort.dir > 0 ? 'ascending' : 'descending'}"` : '';
    return `<th scope="col"${aria}><button type="button" class="sort" data-sort="${k}" aria-label="${esc(t('sort_by', t(k)))}">${esc(t(k))}${on ? (S.sort.dir > 0 ? ' ▲' : ' ▼') : ''}</button></th>`;
  }).join('');
  const rows = visibleAssignments();
  const L = (k) => `data-label="${esc(t(k))}"`;
  $('#abody').innerHTML = rows.map((a) => {
    const d = S.demById.get(a.demand);
    const k = key(a);
    const gone = a.state === 'pending' ? replaced(a) : [];
    const alt = a.state === 'pending' && gone.length ? `<span class="tag alt">${esc(t('alternate', gone.join(', ')))}</span>` : '';
    const box = w ? `<td class="pickcol">${a.state === 'pending' ? `<input type="checkbox" class="pick" data-k="${esc(k)}"${S.selected.has(k) ? ' checked' : ''} aria-label="${esc(t('select_row', a.demand, a.cadre))}">` : ''}</td>` : '';
    return `<tr data-k="${esc(k)}" class="${S.open === k ? 'open' : ''} st-${esc(a.state)}">${box}
      <td ${L('demand')}><button type="button" class="link explain-btn" data-k="${esc(k)}" aria-expanded="${S.open === k}">${esc(a.demand)}</button> ${esc(d?.title || '')} ${alt}</td>
      ${knowsCommunities() ? `<td ${L('community')}>${esc(commName(d?.community))}</td>` : ''}<td ${L('cadre')} class="cname">${esc(cadreLabel(a.cadre))}</td>
      <td ${L('score')} class="n">${num(a.score)}</td><td ${L('state')}><span class="state ${esc(a.state)}">${esc(st(a.state))}</span></td></tr>`;
  }).join('');
  $('#pcount').textContent = t('shown', rows.length, S.proposal.result.assignments.length);
}

function drawExplain() {
  const box = $('#explain');
  const a = S.open && S.proposal.result.assignments.find((x) => key(x) === S.open);
  if (!a) { box.innerHTML = `<h3 id="ex-h">${esc(t('explain_h'))}</h3><p class="hint">${esc(t('explain_hint'))}</p>`; return; }
  const d = S.demById.get(a.demand);
  const terms = Object.entries(a.breakdown);
  const m = Math.max(1e-9, ...terms.map(([, v]) => Math.abs(v)));
  box.innerHTML = `<h3 id="ex-h">${esc(t('explain_h'))}: ${esc(a.demand)} → ${esc(cadreLabel(a.cadre))}</h3>
    <p>${esc(d?.title || '')} · ${esc(commName(d?.community))}</p>
    <p><b>${esc(t('score'))} ${num(a.score)}</b> · ${num(a.distance_km, 1)} ${esc(t('km'))} · ${esc(t('fit'))} ${num(a.skill_fit)}</p>
    <ul class="bars" aria-label="${esc(t('score'))}">${terms.map(([k, v]) => `<li>
      <span class="bl">${esc(I18N[S.lang].term[k] || k)}</span>
      <span class="bt"><span class="bar ${v < 0 ? 'neg' : 'pos'}" style="width:${((Math.abs(v) / m) * 100).toFixed(1)}%"></span></span>
      <span class="bv">${v > 0 ? '+' : ''}${num(v)}</span></li>`).join('')}</ul>
    <h4>${esc(t('alts'))}</h4>
    ${a.alternatives.length ? `<ol class="alts">${a.alternatives.map((x) => `<li><span class="cname">${esc(cadreLabel(x.cadre))}</span>
      · ${esc(t('score'))} ${num(x.score)} · ${esc(t('loss'))} ${num(x.loss)}</li>`).join('')}</ol>` : `<p class="hint">${esc(t('no_alts'))}</p>`}`;
}

function chosenPairs() {
  return [...S.selected].map((k) => { const [cadre, demand] = k.split('|'); return { cadre, demand }; });
}

async function refreshAfterWrite() {
  S.proposal = await api(dpath(`/proposals/${S.proposal.id}`));
  await reloadDeclines();
  await reloadPool();
  S.selected = new Set();
}

/** A decision (accept or reject) is on its way: the three decision buttons are disabled
 *  until it is answered, so a second click (a double click on 全部接受) sends nothing, as
 *  生成方案 waits for its proposal (``S.busy``). */
let deciding = false;
const DECIDE = ['#accept-sel', '#accept-all', '#reject-sel'];
function drawDeciding() {
  for (const sel of DECIDE) { const b = $(sel); if (b) b.disabled = deciding; }
}

/** The answers that say the proposal shown is no longer the one to decide: a newer proposal
 *  supersedes it, the pool changed since it was computed, or another tab decided its pairs
 *  (some, or all) since this one read it. */
const STALE = ['conflict.superseded', 'conflict.stale_proposal', 'conflict.already_decided', 'conflict.nothing_to_accept'];

/** Send a decision on the proposal shown (``send`` writes it and says what was done), one at
 *  a time. When the server answers that the proposal is stale (:data:`STALE`), the view
 *  shows the district's latest proposal instead: a newer one is said in the status line
 *  (choose again there), with no banner; the same one, its pairs as they are now, and the
 *  banner says why (the pool changed: propose again; another tab decided them). */
async function decide(send) {
  if (deciding) return;
  const district = S.district, shown = S.proposal.id;
  deciding = true;
  drawDeciding();
  try {
    await send();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409 && STALE.includes(err.problem?.code))) throw err;
    if (S.district !== district) return; // another district is shown: nothing to say there
    await loadLatestProposal();
    await reloadPool();
    Object.assign(S, { selected: new Set(), open: null });
    if (S.view !== 'proposal' || S.district !== district) throw err;
    await renderProposal();
    if (!S.proposal || S.proposal.id === shown) throw err;
    const id = S.proposal.id;
    setStatus(() => t('proposal_replaced', id));
  } finally {
    deciding = false;
    drawDeciding();
  }
}

async function doAccept(all) {
  const pairs = all ? undefined : chosenPairs();
  if (!all && !pairs.length) { setStatus(() => t('none_selected')); return; }
  if (all && !S.proposal.result.assignments.some((a) => a.state === 'pending')) { setStatus(() => t('nothing_pending')); return; }
  await decide(async () => {
    const r = await write(dpath(`/proposals/${S.proposal.id}/accept`), 'POST', all ? {} : { assignments: pairs });
    await refreshAfterWrite();
    await renderProposal();
    setStatus(() => t('accepted_n', r.dispatches.length));
  });
}

async function doReject() {
  const pairs = chosenPairs();
  if (!pairs.length) { setStatus(() => t('none_selected')); return; }
  const body = { assignments: pairs };
  const reason = $('#reason').value.trim();
  if (reason) body.reason = reason;
  if ($('#rej-unavail').checked) {
    body.unavailable = true;
    body.until = dateValue('rej-until') || null;
  }
  await decide(async () => {
    const r = await write(dpath(`/proposals/${S.proposal.id}/reject`), 'POST', body);
    await refreshAfterWrite();
    await renderProposal();
    const away = (r.unavailable || []).map((u) => cadreLabel(u.cadre));
    setStatus(() => away.length ? t('rejected_away', away.join(listSep())) : t('rejected_n', r.declines.length));
  });
}

/** The body of a proposal request: the horizon when one is given (both days optional). */
function proposeBody() {
  const body = {};
  if ($('#p-from')) {
    const from = dateValue('p-from'), to = dateValue('p-to');
    if (from) body.from = from;
    if (to) body.to = to;
  }
  return body;
}

/** Where this tab keeps the job it follows for ``district`` (sessionStorage, per tab): a
 *  reload, or coming back to the district, follows it again until it ends. */
const jobKey = (district) => `matcher.job.${district}`;
const keepJob = (district, job) => sessionStorage.setItem(jobKey(district), jobUrl(district, job.id));
const dropJob = (district) => sessionStorage.removeItem(jobKey(district));
/** Whether this tab keeps a proposal job for ``district`` (a reload opens it there). */
export const keptJob = (district) => sessionStorage.getItem(jobKey(district)) !== null;

/** The status line while a job runs: queued, or computing with its share done when known. */
function jobStatus(job) {
  if (S.jobCancelling) return t('job_stopping');
  if (job.status === 'queued') return t('job_queued');
  return job.fraction == null ? t('job_running') : t('job_running_pct', pct(job.fraction));
}

/** Draw the running job's state in the head (the cancel button, the progress bar) and, in
 *  the proposal view, the status line (before its job is known: the proposal is asked for). */
function drawJob() {
  const job = S.job;
  const live = Boolean(job && LIVE.includes(job.status));
  const c = $('#job-cancel'); if (c) { c.hidden = !live; c.disabled = Boolean(S.jobCancelling); }
  const b = $('#propose'); if (b) b.disabled = S.busy;
  const pg = $('#progress'); if (pg) pg.hidden = !S.busy;
  if (S.busy && S.view === 'proposal') setStatus(() => (live ? jobStatus(job) : t('proposing')));
}

/** Follow a proposal job of ``district`` until it ends (:func:`pollJob`): answers the
 *  proposal when done; a failed job's problem is thrown (the banner says it); a cancelled
 *  one answers null. Once it has ended (or answers 404: it expired) the tab forgets it.
 *  Once ``stale()`` (another district was chosen) it stops quietly: null, and the tab
 *  keeps it for its district. */
async function followJob(job, district, stale) {
  S.job = job;
  drawJob();
  let end;
  try {
    end = await pollJob(job, district, stale, (now) => { S.job = now; drawJob(); });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) dropJob(district);
    throw err;
  }
  if (end === null) return null;
  dropJob(district);
  if (end.status === 'done') return api(end.proposal);
  if (end.status === 'failed') throw jobFailure(end, t('job_failed')); // the job failed, then why
  return null;
}

async function cancelJob() {
  if (!S.job || S.jobCancelling) return;
  S.jobCancelling = true;
  drawJob();
  const job = S.job;
  try {
    const now = await write(dpath(`/jobs/${encodeURIComponent(job.id)}`), 'DELETE');
    if (S.job === job) S.job = now; // unless another district was chosen meanwhile
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409)) throw err; // it finished first
  }
}

/** Forget the proposal being computed (another district was chosen): its request stops
 *  following it quietly, and the new district starts with 生成方案 free. A job already running
 *  on the server goes on there; its proposal is that district's, and the tab follows it
 *  again when that district is chosen again (:func:`resumeProposalJob`). */
export function forgetProposalJob() {
  Object.assign(S, { busy: false, job: null, jobCancelling: false, proposing: null });
  $('#view-proposal').removeAttribute('aria-busy');
}

/** Compute a proposal of ``district``: ``start(stale)`` answers it (or null: nothing new),
 *  and it is shown when its district and view are still the ones shown. Meanwhile 生成方案
 *  waits; a later district choice forgets this run quietly (``stale()``). */
async function proposing(district, start) {
  const mine = {}; // this run: a later district choice forgets it
  const stale = () => S.proposing !== mine || S.district !== district;
  // what it says goes to the proposal view only, and only while it is the one shown
  const tell = (msg) => { if (!stale() && S.view === 'proposal') setStatus(msg); };
  Object.assign(S, { busy: true, proposing: mine });
  $('#view-proposal').setAttribute('aria-busy', 'true');
  drawJob();
  try {
    const made = await start(stale);
    if (stale()) return;
    if (!made) {
      if (S.job?.status === 'cancelled') tell(() => t('job_cancelled'));
      return;
    }
    const declines = await api(`/v1/districts/${encodeURIComponent(district)}/declines`);
    if (stale()) return;
    Object.assign(S, { proposal: made, declines: declines.data });
    Object.assign(S, { selected: new Set(), open: null });
    S.busy = false; S.job = null;
    if (S.view !== 'proposal') return; // drawn when the view is opened again
    await renderProposal();
    const k = S.proposal.result.kpis;
    tell(() => t('proposed', S.proposal.id, k.slots_filled, k.slots_total));
  } catch (err) {
    if (stale() || S.view !== 'proposal') return; // no banner on another district or view
    throw err;
  } finally {
    if (!stale()) {
      forgetProposalJob();
      drawJob();
    }
  }
}

async function doPropose() {
  if (S.busy) return;
  const body = proposeBody(); // a bad day is said before anything is sent
  const district = S.district;
  await proposing(district, async (stale) => {
    const r = await write(`/v1/districts/${encodeURIComponent(district)}/proposals`, 'POST', body, { full: true });
    if (r.status !== 202) return r.data;
    keepJob(district, r.data); // the district's job, whichever district is shown by now
    return stale() ? null : followJob(r.data, district, stale);
  });
}

/** Follow again the job this tab kept for the district shown (after a reload, or back on
 *  its district), as if 生成方案 had just been pressed; a job no longer there (404: it
 *  expired) is forgotten without a word. */
export async function resumeProposalJob() {
  const district = S.district;
  const url = sessionStorage.getItem(jobKey(district));
  if (!url || S.busy || !can.propose()) return;
  if (!url.startsWith(jobUrl(district, ''))) { dropJob(district); return; }
  await proposing(district, async (stale) => {
    let job;
    try {
      job = await api(url);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      dropJob(district);
      return null;
    }
    return stale() ? null : followJob(job, district, stale);
  });
}

export function wireProposal() {
  const pr = $('#view-proposal');
  pr.addEventListener('click', (e) => guarded(async () => {
    const el = e.target;
    if (el.id === 'propose') return doPropose();
    if (el.id === 'job-cancel') return cancelJob();
    if (el.id === 'accept-sel') return doAccept(false);
    if (el.id === 'accept-all') return doAccept(true);
    if (el.id === 'reject-sel') return doReject();
    const s = el.closest('button.sort');
    if (s) {
      S.sort = S.sort.key === s.dataset.sort ? { key: s.dataset.sort, dir: -S.sort.dir } : { key: s.dataset.sort, dir: s.dataset.sort === 'score' ? -1 : 1 };
      drawAssignments();
      $(`button.sort[data-sort="${s.dataset.sort}"]`).focus();
      return undefined;
    }
    if (el.matches('input.pick')) return undefined;
    const row = el.closest('#abody tr');
    if (row) {
      S.open = S.open === row.dataset.k && !el.closest('.explain-btn') ? null : row.dataset.k;
      drawAssignments();
      drawExplain();
      $(`#abody button.explain-btn[data-k="${CSS.escape(row.dataset.k)}"]`)?.focus();
      // on a phone the explanation is below the table: bring it into view
      if (S.open && window.matchMedia('(max-width: 820px)').matches) $('#explain').scrollIntoView({ block: 'nearest' });
    }
    return undefined;
  }));
  pr.addEventListener('change', (e) => {
    if (e.target.matches('input.pick')) {
      if (e.target.checked) S.selected.add(e.target.dataset.k); else S.selected.delete(e.target.dataset.k);
    } else if (e.target.id === 'pstate') { S.stateFilter = e.target.value; drawAssignments(); }
  });
  pr.addEventListener('input', (e) => { if (e.target.id === 'pfilter') { S.filter = e.target.value; drawAssignments(); } });
}
