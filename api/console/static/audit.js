// The audit trail (审计): every write in the district, who made it and when, each entry
// hash-chained to the one before (docs/audit.md). Admins and supervisors read it. Newest
// first, a page at a time, filtered by action, actor (a token's number) and the district's
// days (its time zone's); a row opens its entry: the payload in full (keys sorted, as the
// hash covers them) and the hashes. Every figure is the server's (GET …/audit); its words
// join I18N when this module loads, so the view is one module.

import { $, S, dayEnd, dayStart, esc, local, table, utcText, zoneName } from './core.js';
import { api, dpath } from './api.js';
import { I18N, listSep, t, tagName, word } from './i18n.js';
import { dateInput, dateValue, guarded } from './ui.js';

const PAGE = 50;

/** The actions of a district's chain, as the store names them (@audited in matcher/store,
 *  and the two imports), in the order the filter lists them. Tokens have their own chain. */
export const ACTIONS = [
  'proposal.create', 'proposal.accept', 'proposal.reject', 'dispatch.close',
  'demand.create', 'demand.update', 'demand.close', 'demand.withdraw', 'demand.reopen', 'demand.delete',
  'job.cancel', 'job.retry', 'cadre.create', 'cadre.update', 'cadre.unavailable', 'cadre.available', 'cadre.delete',
  'community.create', 'warnings.evaluate', 'warning.decide', 'points.earn', 'points.redeem',
  'training.add', 'trainings.import', 'outcomes.import', 'import', 'case.import',
  'communities.upsert', 'cadres.upsert', 'demands.upsert', 'history.load', 'district.create',
  'catalogue.update',
];

Object.assign(I18N.zh, {
  tab_audit: '审计',
  au_h: '审计记录', au_action: '操作', au_all: '全部操作', au_actor: '操作人令牌编号', au_from: '起', au_to: '止',
  au_show: '查询', au_clear: '清除条件', au_prev: '上一页', au_next: '下一页',
  au_seq: '序号', au_when: '时间', au_time: (z) => `时间（本区时间 ${z}）`, au_who: '操作人', au_subject: '对象', au_payload: '内容摘要', au_hash: '哈希',
  au_range: (a, b, n) => `第 ${a}–${b} 条，共 ${n} 条（最新在前）`, au_none: '没有符合条件的审计记录。',
  au_cli: '命令行（本机）', au_entry_h: (n) => `审计条目 #${n}`, au_open: (n) => `查看条目 #${n}`,
  au_utc: '协调世界时', au_token: '令牌', au_full: '完整内容（规范 JSON，键按字母排序）',
  au_prev_hash: '前一条哈希', au_this_hash: '本条哈希',
  au_chain: '本条哈希＝SHA-256（前一条哈希 ‖ 规范 JSON 条目）。核验整条链：',
  au_items: (n) => `${n} 项`,
  // the common payload keys in words (a summary's names; others stay as they are)
  au_keys: {
    pid: '方案', draft: '草案', chosen: '选中', pairs: '组合', cadre: '干部', demand: '需求', dispatch: '派遣', wid: '预警',
    then: '随后', reason: '理由', note: '备注', until: '暂不可派至', unavailable: '本人暂不可派', outcome: '结果',
    hours: '服务时长', rating: '评价', exempt: '免计', exempt_reason: '免计理由', amount: '积分数', course: '课程',
    day: '日期', tags: '标签', name: '名称', role: '角色', districts: '区', label: '标注', items: '条目',
    rows: '行', cadres: '干部数', demands: '需求数', communities: '社区数', file: '文件', job_id: '任务',
    action: '操作', status: '状态', recurring: '周期性', cancel_reason: '取消理由',
    end_dispatches: '一并结束派遣', 'result.objective': '目标值', 'result.certified': '已证明最优',
    'result.solver': '求解器', 'request.from': '自', 'request.to': '至', 'request.pinned': '固定组合',
    'request.policy': '策略', ended: '结束日期', as_of: '截至', warning: '预警', token: '令牌', history: '历史记录',
    stats: '统计', sha256: '摘要', policy_sha256: '策略摘要', taxonomy_sha256: '分类摘要', catalogue_sha256: '服务清单摘要',
  },
  // the values that are codes, by the key they stand under (others through `st`, `reasons`, …)
  au_verbs: { complete: '完成', cancel: '取消', no_show: '未到岗', confirm: '确认', dismiss: '驳回' },
  au_unlimited: '不限',
  au_close: '关闭', au_pick: '点击一行查看完整内容和哈希。', au_by_actor: '只看此操作人', au_by_action: '只看此类操作',
  au_actions: {
    'proposal.create': '生成方案', 'proposal.accept': '接受派遣', 'proposal.reject': '拒绝派遣',
    'dispatch.close': '结束派遣（完成、取消或未到岗）',
    'demand.create': '新增需求', 'demand.update': '修改需求', 'demand.close': '需求结项或撤销',
    'demand.withdraw': '社区撤回需求', 'job.cancel': '取消方案计算任务', 'job.retry': '重试方案计算任务',
    'demand.reopen': '重新开放需求', 'demand.delete': '删除需求',
    'cadre.create': '新增干部', 'cadre.update': '修改干部', 'cadre.unavailable': '标记暂不可派',
    'cadre.available': '恢复可派', 'cadre.delete': '干部退出人才池', 'community.create': '新增社区',
    'warnings.evaluate': '评估三色预警', 'warning.decide': '处理预警', 'points.earn': '获得积分',
    'points.redeem': '兑换积分', 'training.add': '登记培训', 'trainings.import': '导入培训记录',
    'outcomes.import': '导入派遣结果', import: '导入文件', 'case.import': '导入案例',
    'communities.upsert': '导入社区', 'cadres.upsert': '导入干部', 'demands.upsert': '导入需求',
    'history.load': '载入历史记录', 'district.create': '创建区', 'catalogue.update': '更新服务清单',
    'token.create': '创建令牌', 'token.revoke': '吊销令牌',
  },
});
Object.assign(I18N.en, {
  tab_audit: 'Audit',
  au_h: 'Audit trail', au_action: 'Action', au_all: 'All actions', au_actor: "Actor's token number", au_from: 'From', au_to: 'To',
  au_show: 'Show', au_clear: 'Clear filters', au_prev: 'Previous', au_next: 'Next',
  au_seq: 'Seq', au_when: 'Time', au_time: (z) => `Time (district time, ${z})`, au_who: 'Actor', au_subject: 'Subject', au_payload: 'Payload', au_hash: 'Hash',
  au_range: (a, b, n) => `Entries ${a}–${b} of ${n} (newest first)`, au_none: 'No audit entry matches.',
  au_cli: 'CLI (local)', au_entry_h: (n) => `Audit entry #${n}`, au_open: (n) => `Open entry #${n}`,
  au_utc: 'UTC', au_token: 'Token', au_full: 'In full (canonical JSON, keys sorted)',
  au_prev_hash: 'Previous hash', au_this_hash: 'This hash',
  au_chain: 'This hash = SHA-256(previous hash ‖ canonical JSON entry). To verify the whole chain:',
  au_items: (n) => `${n} ${n === 1 ? 'item' : 'items'}`,
  // the common payload keys in words; the others by the request fields' labels (i18n.js `fields`)
  au_keys: {
    pid: 'proposal', draft: 'draft', wid: 'warning', job_id: 'job', amount: 'points', 'result.objective': 'objective',
    'result.certified': 'certified', 'result.solver': 'solver', 'request.from': 'from', 'request.to': 'to',
    'request.pinned': 'pinned', 'request.policy': 'policy', cancel_reason: 'reason', end_dispatches: 'end dispatches',
    ended: 'ended', as_of: 'as of', policy_sha256: 'policy digest', taxonomy_sha256: 'taxonomy digest',
    catalogue_sha256: 'catalogue digest', sha256: 'digest',
  },
  au_verbs: { complete: 'complete', cancel: 'cancel', no_show: 'no-show', confirm: 'confirm', dismiss: 'dismiss' },
  au_unlimited: 'no limit',

  au_close: 'Close', au_pick: 'Click a row to see it in full with its hashes.', au_by_actor: 'Only this actor', au_by_action: 'Only this action',
  au_actions: {
    'proposal.create': 'proposal made', 'proposal.accept': 'pairs accepted', 'proposal.reject': 'pairs rejected',
    'dispatch.close': 'dispatch ended (completed, cancelled or no-show)',
    'demand.create': 'demand added', 'demand.update': 'demand changed', 'demand.close': 'demand closed',
    'demand.withdraw': 'demand withdrawn by its community', 'job.cancel': 'proposal job cancelled',
    'job.retry': 'proposal job retried',
    'demand.reopen': 'demand reopened', 'demand.delete': 'demand removed',
    'cadre.create': 'cadre added', 'cadre.update': 'cadre changed', 'cadre.unavailable': 'cadre marked unavailable',
    'cadre.available': 'cadre available again', 'cadre.delete': 'cadre withdrawn', 'community.create': 'community added',
    'warnings.evaluate': 'warnings evaluated', 'warning.decide': 'warning decided', 'points.earn': 'points earned',
    'points.redeem': 'points redeemed', 'training.add': 'training recorded', 'trainings.import': 'trainings imported',
    'outcomes.import': 'outcomes imported', import: 'file imported', 'case.import': 'case imported',
    'communities.upsert': 'communities imported', 'cadres.upsert': 'cadres imported', 'demands.upsert': 'demands imported',
    'history.load': 'history loaded', 'district.create': 'district created', 'catalogue.update': 'service catalogue replaced',
    'token.create': 'token created', 'token.revoke': 'token revoked',
  },
});

/** An action in words (its code when the console does not know it). */
export const actionName = (a) => word('au_actions', a);

/** Who acted: the token's label, else its number; no token is the CLI on the database file. */
const who = (a) => (a?.token ? a.label || t('token_n', a.token) : a?.label || t('au_cli'));

/** JSON with every object's keys sorted: the order the chain's canonical form hashes. */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}

const isDigest = (v) => Boolean(v) && typeof v === 'object' && 'sha256' in v && 'chars' in v;
const isRecord = (v) => Boolean(v) && typeof v === 'object' && !Array.isArray(v) && !isDigest(v);
const empty = (v) => v === null || v === undefined || (Array.isArray(v) && !v.length) || (isRecord(v) && !Object.keys(v).length);
const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One item of a list, short: a case item by its id, an entry of ``then`` by its action
 *  and subject, a pair (``[cadre, demand]``) or another small record by its plain values. */
function item(v) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x !== 'object') ? v.map((x) => x ?? '—').join('/') : t('au_items', v.length);
  if (isDigest(v)) return `sha256:${String(v.sha256).slice(0, 8)}…`;
  if (typeof v !== 'object') return String(v);
  if ('id' in v) return String(v.id);
  if ('action' in v) {
    const a = S.lang === 'zh' ? actionName(v.action) : String(v.action); // English: its code, one word
    return v.subject == null ? a : `${a} ${v.subject}`;
  }
  const plain = Object.keys(v).sort().map((k) => v[k]).filter((x) => x !== null && typeof x !== 'object');
  return plain.length ? plain.join('/') : t('au_items', Object.keys(v).length);
}

/** One payload value, short: a list by its items while they are few and short, else its
 *  first and how many (in the page's language); a large value by its digest. `as` turns
 *  a code into its words (an item of a list each). */
function brief(v, as = String) {
  if (v === null || v === undefined || (Array.isArray(v) && !v.length)) return '—';
  if (typeof v === 'boolean') return t(v ? 'yes' : 'no');
  if (v === 'inf') return t('au_unlimited'); // a limit the store keeps as infinity
  if (Array.isArray(v)) {
    const one = (x) => (typeof x === 'string' ? as(x) : item(x));
    const all = v.map(one).join(listSep());
    if (all.length <= 32) return all;
    const first = one(v[0]); // cut, it ends in … already
    return `${first.length > 16 ? cut(first, 16) : `${first}…`} (${t('au_items', v.length)})`;
  }
  if (typeof v === 'object') return item(v);
  return cut(as(String(v)), 24);
}

/** The values that are codes, by the last part of their key: each in the page's words
 *  (the words the rest of the console says them with); other values as written. */
const CODES = {
  action: (v) => word('au_verbs', v), end_dispatches: (v) => word('au_verbs', v),
  cancel_reason: (v) => word('reasons', v), outcome: (v) => word('st', v), status: (v) => word('st', v),
  solver: (v) => word('solver', v), role: (v) => word('role', v),
  tags: tagName, certs: tagName, cert: tagName, tag: tagName,
  start: local, end: local, until: local, ended: local,
};
/** Records of skill levels (``{tag: level}``): said as one list, 居民议事 ≥ 2. */
const LEVELS = new Set(['needs', 'skills', 'requires']);
const last = (k) => k.slice(k.lastIndexOf('.') + 1);

/** Members of an entry that say how the write was made rather than what it did, left out
 *  of the summary (the opened entry shows them): ``dispatch.close``'s ``evaluate`` (run the
 *  warning rules after it) and ``withdraw`` (a cancel for ``community_withdrew`` closes its
 *  demand in the same write; false only inside an outcomes import, which closes them after
 *  its batch). Both are true on every close the API makes, a completion's too, where
 *  撤回：是 read as "withdrawn"; a withdrawal made is said by ``then`` (随后：社区撤回需求). */
const HOW = { 'dispatch.close': new Set(['evaluate', 'withdraw']) };

/** The payload's members as ``[key, value]``: what the write set off (``then``) first,
 *  then the keys sorted; a record's members named under it (``request.from``), a record of
 *  skill levels as one list; those with nothing in them (null, an empty list or record)
 *  and how the write was made (:data:`HOW`) left out. */
function members(p, action, prefix = '') {
  const keys = Object.keys(p).sort((a, b) => (b === 'then') - (a === 'then') || (a < b ? -1 : a > b ? 1 : 0));
  return keys.flatMap((k) => {
    const v = p[k];
    if (empty(v) || (!prefix && HOW[action]?.has(k))) return [];
    if (isRecord(v) && LEVELS.has(k)) {
      return [[prefix + k, brief(Object.keys(v).sort().map((g) => `${tagName(g)} ≥ ${v[g]}`))]];
    }
    return isRecord(v) ? members(v, action, `${prefix}${k}.`) : [[prefix + k, brief(v, CODES[last(k)])]];
  });
}

/** A payload key in words: the audit's own names first (`au_keys`: ``request.from``), then
 *  by its last part (``d.community`` is the demand's community), through the same names
 *  and the request fields' labels (i18n.js ``fields``); ``did`` is a dispatch's number on
 *  ``dispatch.close``, a demand's id on a demand's actions, ``cid`` a cadre's. */
function keyName(k, action) {
  const own = I18N[S.lang].au_keys;
  const fields = I18N[S.lang].fields;
  if (own[k]) return own[k];
  const end = last(k);
  const as = { did: action?.startsWith('dispatch.') ? 'dispatch' : 'demand', cid: 'cadre', tid: 'token' }[end] ?? end;
  return own[as] ?? fields[as] ?? as;
}

/** At most this many characters of a summary (its members whole; a dash ends one cut). */
const ROOM = 90;

/** The payload's members, each ``name：value`` in Chinese, ``name=value`` in English (see
 *  :func:`members`), the common names in words (:func:`keyName`), codes as their words,
 *  yes/no for a flag, lists by their items or how many; as many whole members as fit in
 *  ROOM characters, then … (the first one cut when it alone is longer). */
function summaryParts(p, action) {
  if (!p || typeof p !== 'object') return [brief(p)];
  const eq = S.lang === 'zh' ? '：' : '=';
  const all = members(p, action).map(([k, v]) => `${keyName(k, action)}${eq}${v}`);
  if (!all.length) return ['—'];
  const out = [];
  let used = 0;
  for (const m of all) {
    const more = out.length < all.length - 1 ? 2 : 0; // room for " …" after it
    if (used + m.length + more > ROOM) {
      if (!out.length) out.push(cut(m, ROOM - 2));
      out.push('…');
      break;
    }
    out.push(m);
    used += m.length + 1;
  }
  return out;
}

/** The payload in one line (what :func:`summaryParts` says, space-separated); a payload
 *  with nothing in it is a dash. The entry opened shows the payload itself. */
export const summary = (p, action) => summaryParts(p, action).join(' ');

/** The summary's cell: each member a span the line breaks between, never inside (a
 *  phone's card lets a long one wrap). */
const summaryCell = (p, action) => summaryParts(p, action).map((m) => `<span class="m">${esc(m)}</span>`).join(' ');

const short = (h) => `${String(h).slice(0, 10)}…`;

function query(f) {
  const q = new URLSearchParams();
  if (f.action) q.set('action', f.action);
  if (f.actor) q.set('actor', f.actor);
  // the district's local days, from its first instant to its last (sent in UTC: the
  // offset at each end is that night's, summer time or not)
  if (f.from) q.set('from', utcText(dayStart(f.from)));
  if (f.to) q.set('to', utcText(dayEnd(f.to)));
  return q;
}

/** A page of entries, newest first: page 0 is the newest PAGE; the API lists oldest first. */
async function loadPage(f, page) {
  const q = query(f);
  q.set('limit', '1');
  const { count } = await api(dpath(`/audit?${q}`));
  const end = count - page * PAGE;
  if (end <= 0) return { rows: [], count, first: 0 };
  const offset = Math.max(0, end - PAGE);
  q.set('limit', String(end - offset));
  q.set('offset', String(offset));
  const got = await api(dpath(`/audit?${q}`));
  return { rows: got.data.slice().reverse(), count, first: page * PAGE + 1 };
}

function entryPanel(e) {
  if (!e) return `<h3 id="au-entry-h">${esc(t('au_h'))}</h3><p class="hint">${esc(t('au_pick'))}</p>`;
  const row = (k, v) => `<dt>${esc(k)}</dt><dd>${v}</dd>`;
  return `<div class="head"><h3 id="au-entry-h">${esc(t('au_entry_h', e.seq))}</h3>
      <button type="button" id="au-close">${esc(t('au_close'))}</button></div>
    <dl class="nums">${row(t('au_time', zoneName()), esc(local(e.at)))}${row(t('au_utc'), `<code>${esc(e.at)}</code>`)}
      ${row(t('au_who'), `${esc(who(e.actor))}${e.actor?.token ? ` <span class="hint">（${esc(t('au_token'))} #${e.actor.token}）</span>` : ''}`)}
      ${row(t('au_action'), `${esc(actionName(e.action))} <code>${esc(e.action)}</code>`)}
      ${row(t('au_subject'), e.subject === null ? '—' : `<code>${esc(e.subject)}</code>`)}</dl>
    <h4>${esc(t('au_full'))}</h4>
    <pre class="payload" id="au-payload"><code>${esc(JSON.stringify(sorted(e.payload), null, 2))}</code></pre>
    <dl class="hashes">${row(t('au_prev_hash'), `<code id="au-prev-hash">${esc(e.prev_hash)}</code>`)}
      ${row(t('au_this_hash'), `<code id="au-this-hash">${esc(e.hash)}</code>`)}</dl>
    <p class="hint">${esc(t('au_chain'))} <code>matcher audit verify --db …</code></p>
    <div class="row">${e.actor?.token ? `<button type="button" id="au-by-actor" data-actor="${e.actor.token}">${esc(t('au_by_actor'))}</button>` : ''}
      <button type="button" id="au-by-action" data-action="${esc(e.action)}">${esc(t('au_by_action'))}</button></div>`;
}

/** The newest asked-for page's number: an older answer that arrives after it is dropped. */
let latest = 0;

export async function renderAudit() {
  const mine = ++latest;
  const f = S.audit;
  const { rows: list, count, first } = await loadPage(f, f.page);
  if (mine !== latest) return; // a newer filter or page was asked for meanwhile: its answer shows
  S.auditRows = list;
  const cols = [
    { label: t('au_seq'), cls: 'n' },
    // the time's head names the zone; a phone's card says 时间 beside each (its label)
    { label: t('au_when'), head: esc(t('au_time', zoneName())), cls: 'at' }, { label: t('au_who'), cls: 'actor' },
    { label: t('au_action') }, { label: t('au_subject'), cls: 'subj' }, { label: t('au_payload'), cls: 'sum' }, { label: t('au_hash') },
  ];
  const rows = list.map((e) => ({
    attrs: ` data-seq="${e.seq}"${f.open === e.seq ? ' class="open"' : ''}`,
    cells: [`<button type="button" class="link au-open" data-seq="${e.seq}" aria-expanded="${f.open === e.seq}"
        aria-label="${esc(t('au_open', e.seq))}">${e.seq}</button>`,
      esc(local(e.at)), esc(who(e.actor)), `${esc(actionName(e.action))}<br><code class="sub">${esc(e.action)}</code>`,
      e.subject === null ? '—' : `<code>${esc(e.subject)}</code>`, `<code>${summaryCell(e.payload, e.action)}</code>`,
      `<code class="hash" title="${esc(e.hash)}">${esc(short(e.hash))}</code>`],
  }));
  const last = first + list.length - 1;
  $('#view-audit').innerHTML = `<div class="head"><h2 id="au-h">${esc(t('au_h'))}</h2></div>
    <form id="au-form" class="filters">
      <label>${esc(t('au_action'))} <select id="au-action"><option value="">${esc(t('au_all'))}</option>
        ${(ACTIONS.includes(f.action) || !f.action ? ACTIONS : [...ACTIONS, f.action]).map((a) => `<option value="${esc(a)}"${a === f.action ? ' selected' : ''}>${esc(actionName(a))}</option>`).join('')}</select></label>
      <label>${esc(t('au_actor'))} <input id="au-actor" type="number" min="1" step="1" value="${esc(f.actor)}"></label>
      <label>${esc(t('au_from'))} ${dateInput('au-from', f.from)}</label>
      <label>${esc(t('au_to'))} ${dateInput('au-to', f.to)}</label>
      <button type="submit" class="primary">${esc(t('au_show'))}</button>
      <button type="button" id="au-clear">${esc(t('au_clear'))}</button></form>
    <div class="filters"><span class="hint" id="au-count">${esc(count ? t('au_range', first, last, count) : t('au_none'))}</span>
      <button type="button" id="au-prev"${f.page > 0 ? '' : ' disabled'}>${esc(t('au_prev'))}</button>
      <button type="button" id="au-next"${last < count ? '' : ' disabled'}>${esc(t('au_next'))}</button></div>
    <div class="proposal audit">
      <div class="scroll fill">${rows.length ? table('audit', cols, rows) : ''}</div>
      <aside id="au-entry" class="card explain" aria-live="polite" aria-labelledby="au-entry-h">${entryPanel(list.find((e) => e.seq === f.open))}</aside>
    </div>`;
}

/** Show the filters' page; a refused one (the server's 422) keeps the last table's filters. */
function show(next) {
  const was = S.audit;
  const asked = { ...was, ...next };
  S.audit = asked;
  return guarded(async () => {
    try {
      await renderAudit();
    } catch (err) {
      if (S.audit !== asked) return; // refused, but a newer filter was asked for since
      S.audit = was;
      throw err;
    }
  });
}

function openEntry(seq) {
  S.audit.open = S.audit.open === seq ? null : seq;
  for (const tr of document.querySelectorAll('#audit tbody tr')) {
    const on = Number(tr.dataset.seq) === S.audit.open;
    tr.classList.toggle('open', on);
    tr.querySelector('.au-open')?.setAttribute('aria-expanded', String(on));
  }
  $('#au-entry').innerHTML = entryPanel(S.auditRows.find((e) => e.seq === S.audit.open));
  if (S.audit.open !== null && window.matchMedia('(max-width: 820px)').matches) $('#au-entry').scrollIntoView({ block: 'nearest' });
}

export function wireAudit() {
  const v = $('#view-audit');
  v.addEventListener('submit', (e) => {
    if (e.target.id !== 'au-form') return;
    e.preventDefault();
    guarded(() => show({ action: $('#au-action').value, actor: $('#au-actor').value.trim(),
      from: dateValue('au-from'), to: dateValue('au-to'), page: 0, open: null }));
  });
  v.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b?.id === 'au-clear') { show({ action: '', actor: '', from: '', to: '', page: 0, open: null }); return; }
    if (b?.id === 'au-prev') { show({ page: S.audit.page - 1, open: null }); return; }
    if (b?.id === 'au-next') { show({ page: S.audit.page + 1, open: null }); return; }
    if (b?.id === 'au-close') { openEntry(S.audit.open); return; }
    if (b?.id === 'au-by-actor') { show({ actor: b.dataset.actor, page: 0, open: null }); return; }
    if (b?.id === 'au-by-action') { show({ action: b.dataset.action, page: 0, open: null }); return; }
    const row = e.target.closest('#audit tbody tr');
    if (row) openEntry(Number(row.dataset.seq));
  });
}
