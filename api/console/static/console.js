// matcher dispatcher console: plain ES modules over the public /v1 API, no build step, no CDN.
// This entry module signs in, switches language, district and view, and wires the views:
//   core.js (state, DOM helpers)  api.js (the API client)  i18n.js (words, coded messages)
//   ui.js (error banner, confirmation)  overview.js  proposal.js  dispatches.js  pool.js  record.js
//   warnings.js  whatif.js  ledger.js (the lending ledger)  week.js (dated orders by day and week)
//   audit.js (the audit trail)

import { $, S, can, esc, sayStatusAgain, setStatus } from './core.js';
import { api, dpath, listAll, loadSupply, poolSettled } from './api.js';
import { indexTaxonomy, listSep, loadMessages, t } from './i18n.js';
import { guarded, showError, shownError } from './ui.js';
import { renderOverview, wireOverview } from './overview.js';
import { forgetProposalJob, keptJob, renderProposal, resumeProposalJob, wireProposal } from './proposal.js';
import { renderDispatches, wireDispatches } from './dispatches.js';
import { renderDemands, showCadres, wireCadres, wireDemands } from './pool.js';
import { renderWarnings, wireWarnings } from './warnings.js';
import { renderWhatif, wireWhatif } from './whatif.js';
import { renderLedger, wireLedger } from './ledger.js';
import { renderAudit, wireAudit } from './audit.js';
import { renderWeek, wireWeek } from './week.js';

const RENDER = {
  overview: renderOverview, proposal: renderProposal, dispatches: renderDispatches,
  demands: renderDemands, cadres: showCadres, warnings: renderWarnings, whatif: renderWhatif,
  ledger: renderLedger, audit: renderAudit, week: renderWeek,
};

/** How many times a tab was opened by hand: a district's load that sees it change knows the
 *  view it would open, and the status line, are no longer its own. */
let picked = 0;

/** The tabs the role may open (a tab's `data-needs` names a `can` rule), in their order. */
const tabs = () => [...document.querySelectorAll('#tabs button[data-view]')].filter((b) => !b.hidden).map((b) => b.dataset.view);

function applyLang() {
  document.documentElement.lang = S.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `matcher · ${t('title')}`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  $('#tabs').setAttribute('aria-label', t('views'));
  const b = $('#lang');
  b.textContent = S.lang === 'zh' ? 'English' : '中文';
  b.lang = S.lang === 'zh' ? 'en' : 'zh-CN';
  b.setAttribute('aria-label', S.lang === 'zh' ? 'Switch to English' : '切换到中文');
  if (S.me) {
    $('#role-badge').textContent = t('signed_in', t('role')[S.me.role] || S.me.role,
      S.districts.map((d) => d.id).join(listSep()) || '—');
  }
  sayStatusAgain();
}

/** Show a view. Opening another tab clears the banner and the status line: what they said
 *  belonged to the view left (a running proposal job says itself again in its own view). */
function showView(view, { fresh = false } = {}) {
  if (fresh && view !== S.view) { showError(null); setStatus(''); }
  S.view = view;
  for (const b of document.querySelectorAll('#tabs button')) {
    const on = b.dataset.view === view;
    b.classList.toggle('on', on);
    if (on) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  for (const v of Object.keys(RENDER)) $(`#view-${v}`).hidden = v !== view;
  // a pool reload under way (after a dispatch ended) is waited for: the view shows its counts
  return guarded(async () => { await poolSettled(); await RENDER[view](); });
}

async function signIn(token) {
  S.token = token.trim();
  showError(null);
  setStatus(() => t('loading'));
  await loadMessages(); // no token needed: even a refused sign-in is said in the page's language
  try {
    S.me = await api('/v1/me');
  } catch (err) {
    S.token = ''; S.me = null;
    sessionStorage.removeItem('matcher.token');
    setStatus('');
    showError(err);
    return;
  }
  sessionStorage.setItem('matcher.token', S.token);
  S.districts = (await api('/v1/districts')).data;
  const sel = $('#district');
  sel.innerHTML = S.districts.map((d) => `<option value="${esc(d.id)}">${esc(d.name)}（${esc(d.id)}）</option>`).join('');
  $('#signin').hidden = true;
  $('#who').hidden = false;
  $('#tabs').hidden = false;
  for (const b of document.querySelectorAll('#tabs button[data-needs]')) b.hidden = !can[b.dataset.needs]();
  applyLang();
  // after a reload: the district of a job this tab still follows, else the one it showed
  const ids = S.districts.map((d) => d.id);
  const shown = sessionStorage.getItem('matcher.district');
  const back = ids.find((id) => keptJob(id)) ?? (ids.includes(shown) ? shown : ids[0]);
  // … on the proposal's page when a job is followed there
  const view = keptJob(back) && tabs().includes('proposal') ? 'proposal' : null;
  if (S.districts.length) await selectDistrict(back, view);
  else setStatus(() => t('signed_in', S.me.role, '—'));
}

function signOut() {
  // the tab's token, and what it followed for that token: the next to sign in starts afresh
  for (const k of Object.keys(sessionStorage)) {
    if (k === 'matcher.token' || k === 'matcher.district' || k.startsWith('matcher.job.')) sessionStorage.removeItem(k);
  }
  location.reload();
}

async function selectDistrict(id, view = null) {
  S.district = id;
  // its clock: every time shown, today and the audit filter's days are the district's
  S.zone = S.districts.find((d) => d.id === id)?.timezone || 'Asia/Shanghai';
  sessionStorage.setItem('matcher.district', id);
  $('#district').value = id;
  forgetProposalJob(); // a proposal being computed was the district left's
  Object.assign(S, {
    proposal: null, declines: [], selected: new Set(), open: null, picked: null, whatif: null, whatifJob: null, whatifRun: null, whatifCancelling: false, layout: null,
    cadOpen: null, cadMode: 'history', history: null, record: null, warnings: [], demForm: false, draftNeeds: [], draftItem: '', catalogue: null, supply: new Map(),
    warnRule: 'all', warnPicked: new Set(), warnFailures: [],
    audit: { action: '', actor: '', from: '', to: '', page: 0, open: null }, auditRows: [],
    weekFrom: null, weekDay: null, weekOrder: null, weekCadre: null,
  });
  const picks = picked;
  const still = () => picked === picks; // no tab opened while the district loads
  await guarded(async () => {
    await loadPool(still);
    // a tab opened meanwhile stays shown, drawn again with the pool now loaded
    await showView(still() ? view ?? tabs()[0] : S.view);
    // a proposal job this tab started here (before a reload, or before another district
    // was chosen) is followed again; its problem, if any, in the banner
    resumeProposalJob().catch((err) => guarded(() => Promise.reject(err)));
  });
}

/** A role that cannot read the pool (a supervisor) loads the district and its declines only:
 *  its views name cadres, demands and communities by their ids. What it loaded is said in
 *  the status line only while ``still()`` (no tab opened meanwhile, whose line it is now). */
async function loadReview(still) {
  const [d, declines] = await Promise.all([api(dpath('')), api(dpath('/declines'))]);
  Object.assign(S, { tax: null, tags: new Map(), communities: [], commById: new Map(), demands: [], demById: new Map(),
    cadres: [], cadById: new Map(), declines: declines.data });
  if (still()) setStatus(() => t('loaded_review', d.name, d.communities, d.cadres, d.demands));
}

/** Load the district's pool, saying so in the status line; what was loaded is said only
 *  while ``still()``: a tab opened during the load (a proposal made there) owns the line. */
async function loadPool(still) {
  setStatus(() => t('loading'));
  if (!can.read()) { await loadReview(still); return; }
  const d = S.district; // another district chosen meanwhile loads its own: this one's answers are dropped
  const [tax, comms, demands, cadres, declines] = await Promise.all([
    api(dpath('/taxonomy', d)), api(dpath('/communities', d)),
    listAll('/demands', d), listAll('/cadres', d), api(dpath('/declines', d)),
  ]);
  if (S.district !== d) return;
  S.tax = tax;
  S.tags = indexTaxonomy(tax);
  S.communities = comms.data;
  S.commById = new Map(S.communities.map((c) => [c.id, c]));
  S.demands = demands;
  S.demById = new Map(demands.map((d) => [d.id, d]));
  S.cadres = cadres;
  S.cadById = new Map(cadres.map((c) => [c.id, c]));
  S.declines = declines.data;
  const supply = await loadSupply(d);
  if (S.district !== d) return;
  S.supply = supply;
  if (still()) setStatus(() => t('loaded', S.communities.length, S.cadres.length, S.demands.length));
}

function wire() {
  $('#signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('#token').value); });
  $('#signout').addEventListener('click', signOut);
  $('#lang').addEventListener('click', async () => {
    const said = shownError(); // the banner says it again in the other language
    S.lang = S.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('matcher.lang', S.lang);
    applyLang();
    await loadMessages();
    if (S.me && S.district) await showView(S.view);
    if (said && !shownError()) showError(said);
  });
  $('#district').addEventListener('change', (e) => selectDistrict(e.target.value));
  $('#tabs').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-view]');
    if (b) { picked += 1; showView(b.dataset.view, { fresh: true }); }
  });
  wireOverview();
  wireProposal();
  wireDispatches();
  wireDemands();
  wireCadres();
  wireWarnings();
  wireWhatif();
  wireLedger();
  wireAudit();
  wireWeek();
}

wire();
applyLang();
if (S.token) signIn(S.token);
