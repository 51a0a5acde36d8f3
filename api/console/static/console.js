// matcher dispatcher console: one vanilla ES module over the public /v1 API.
// No build step, no CDN: the page, this module and console.css are all it needs.

const I18N = {
  zh: {
    skip: '跳到主要内容', title: '后备干部调度台', district: '街区', signout: '退出',
    signin: '登录', token: '访问令牌（Bearer token）', signin_btn: '登录',
    token_hint: '由管理员用 matcher token create 生成；令牌只保存在本标签页。',
    tab_overview: '需求热力图', tab_proposal: '派遣方案', tab_dispatches: '派遣记录', tab_whatif: '推演',
    role: { admin: '管理员', dispatcher: '调度员', planner: '规划员', analyst: '分析员' },
    signed_in: (r, ds) => `已登录：${r}，可见街区 ${ds}`,
    loading: '正在加载…', loaded: (c, p, d) => `已加载 ${c} 个社区、${p} 名干部、${d} 项需求`,
    ov_h: '社区服务热力图', category: '技能类别', all: '全部类别',
    legend: '未满足需求（按优先级加权）', none: '无',
    map_label: '社区位置图，颜色表示未满足的加权需求；用 Tab 键逐个查看社区',
    pick_hint: '悬停、点击或用 Tab 键选中一个社区查看数据。',
    c_open: '待满足需求', c_slots: '缺口人数', c_weighted: '加权缺口', c_cadres: '居住干部',
    c_free: '可用名额', street: '街道', clear: '取消选中',
    demands_h: '需求', cadres_h: '干部', shown: (n, t) => `显示 ${n} / ${t}`,
    id: '编号', title_col: '事项', community: '社区', priority: '优先级', filled: '已派/需要',
    status: '状态', name: '姓名', load: '负荷', home: '居住社区',
    st: { open: '进行中', closed: '已关闭', green: '绿', yellow: '黄', red: '红',
      pending: '待定', accepted: '已接受', rejected: '已拒绝',
      active: '进行中', completed: '已完成', cancelled: '已取消' },
    pr_h: '派遣方案', propose: '生成方案', proposed: (id, f, n) => `方案 #${id} 已生成：填补 ${f}/${n} 个缺口`, proposing: '正在计算最优方案…',
    proposal_n: (id, at) => `方案 #${id}（${at}）`, no_proposal: '还没有方案。',
    no_propose_role: '当前角色只能查看方案。',
    kpi_filled: '已填补', kpi_fill: '填补率', kpi_pw: '优先级加权', kpi_fit: '平均技能匹配',
    kpi_km: '平均路程', kpi_used: '使用干部', kpi_total: '需求名额', kpi_maxkm: '最远路程',
    kpi_avail: '可用干部', kpi_obj: '目标值', kpi_solver: '求解',
    certified: '已证明最优', filter: '筛选（编号、事项、社区、姓名）', state: '状态',
    all_states: '全部', demand: '需求', cadre: '干部', score: '得分', select: '选择',
    select_row: (d, c) => `选择 ${d} → ${c}`, explain: '说明',
    explain_h: '评分说明', explain_hint: '点击一行查看得分构成和备选人选。',
    km: '公里', fit: '技能匹配',
    term: { fill: '填补', skill: '技能', travel: '路程', status: '三色状态' },
    alts: '备选人选（按总分损失排序）', no_alts: '没有可行的备选人选。', loss: '损失',
    accept_sel: '接受所选', accept_all: '全部接受', reject_sel: '拒绝所选',
    reason: '拒绝原因', accepted_n: (n) => `已接受 ${n} 项，生成派遣`, rejected_n: (n) => `已拒绝 ${n} 项；重新生成方案将给出备选人选`,
    none_selected: '请先勾选待定的派遣。', alternate: (c) => `替补（${c} 已被拒绝）`,
    unfilled_h: (n) => `未满足需求（${n}）`, slots: '缺口', qualified: '合格干部',
    fix: '最小调整', sort_by: (c) => `按${c}排序`,
    di_h: '派遣记录', note: '备注（可选）', complete: '完成', cancel: '取消派遣',
    created: '派遣时间', closed: '结束时间', no_dispatches: '没有派遣记录。',
    completed_n: (id) => `派遣 #${id} 已完成`, cancelled_n: (id) => `派遣 #${id} 已取消`,
    wi_h: '推演（规划员）', wi_na: '此服务器不支持推演：接口 POST /v1/districts/{d}/scenarios 不存在。',
    wi_role: '推演需要规划员或管理员权限。', wi_run: '运行推演', wi_file: '场景文件（TOML）',
    wi_explain: '为空缺计算最小调整（较慢）', wi_fix_h: '空缺的最小调整', wi_bad_toml: '场景文件读不懂',
    wi_scale: '需求倍数', wi_remove: '移除干部（编号，逗号分隔）', wi_travel: '路程上限（公里）',
    wi_running: '正在推演…', baseline: '基线', scenario: '场景', delta: '变化', churn: '人员变动',
    kept: '保留', moved: '调动', added: '新增', dropped: '撤销', kpi: '指标',
    error: '出错了',
  },
  en: {
    skip: 'Skip to main content', title: 'Reserve-cadre dispatch console', district: 'District',
    signout: 'Sign out', signin: 'Sign in', token: 'Access token (Bearer)', signin_btn: 'Sign in',
    token_hint: 'Created by an admin with matcher token create; kept in this tab only.',
    tab_overview: 'Demand heat map', tab_proposal: 'Proposal', tab_dispatches: 'Dispatches', tab_whatif: 'What-if',
    role: { admin: 'admin', dispatcher: 'dispatcher', planner: 'planner', analyst: 'analyst' },
    signed_in: (r, ds) => `Signed in as ${r}; districts ${ds}`,
    loading: 'Loading…', loaded: (c, p, d) => `Loaded ${c} communities, ${p} cadres, ${d} demands`,
    ov_h: 'Community service heat map', category: 'Skill category', all: 'All categories',
    legend: 'Unmet demand (priority-weighted)', none: 'none',
    map_label: 'Map of communities, coloured by unmet weighted demand; Tab through them',
    pick_hint: 'Hover, click or Tab to a community to see its numbers.',
    c_open: 'Open demands', c_slots: 'Unfilled slots', c_weighted: 'Weighted unmet', c_cadres: 'Cadres living here',
    c_free: 'Free capacity', street: 'Street', clear: 'Clear selection',
    demands_h: 'Demands', cadres_h: 'Cadres', shown: (n, t) => `Showing ${n} of ${t}`,
    id: 'ID', title_col: 'Title', community: 'Community', priority: 'Priority', filled: 'Filled/needed',
    status: 'Status', name: 'Name', load: 'Load', home: 'Home',
    st: { open: 'open', closed: 'closed', green: 'green', yellow: 'yellow', red: 'red',
      pending: 'pending', accepted: 'accepted', rejected: 'rejected',
      active: 'active', completed: 'completed', cancelled: 'cancelled' },
    pr_h: 'Proposal', propose: 'Propose', proposed: (id, f, n) => `Proposal #${id} ready: ${f} of ${n} slots filled`, proposing: 'Computing the optimal plan…',
    proposal_n: (id, at) => `Proposal #${id} (${at})`, no_proposal: 'No proposal yet.',
    no_propose_role: 'Your role can view proposals only.',
    kpi_filled: 'Filled', kpi_fill: 'Fill rate', kpi_pw: 'Priority-weighted', kpi_fit: 'Mean skill fit',
    kpi_km: 'Mean travel', kpi_used: 'Cadres used', kpi_total: 'Slots', kpi_maxkm: 'Max travel',
    kpi_avail: 'Cadres available', kpi_obj: 'Objective', kpi_solver: 'Solver',
    certified: 'certified optimal', filter: 'Filter (id, title, community, name)', state: 'State',
    all_states: 'all', demand: 'Demand', cadre: 'Cadre', score: 'Score', select: 'Select',
    select_row: (d, c) => `Select ${d} → ${c}`, explain: 'Explain',
    explain_h: 'Explanation', explain_hint: 'Click a row to see its score breakdown and alternates.',
    km: 'km', fit: 'skill fit',
    term: { fill: 'fill', skill: 'skill', travel: 'travel', status: 'status' },
    alts: 'Ranked alternates (by loss in total score)', no_alts: 'No feasible alternate.', loss: 'loss',
    accept_sel: 'Accept selected', accept_all: 'Accept all', reject_sel: 'Reject selected',
    reason: 'Reason for rejecting', accepted_n: (n) => `Accepted ${n}; dispatches created`,
    rejected_n: (n) => `Rejected ${n}; a new proposal offers the alternates`,
    none_selected: 'Tick pending assignments first.', alternate: (c) => `alternate (${c} declined)`,
    unfilled_h: (n) => `Unfilled demands (${n})`, slots: 'slots', qualified: 'qualified cadres',
    fix: 'smallest fix', sort_by: (c) => `Sort by ${c}`,
    di_h: 'Dispatches', note: 'Note (optional)', complete: 'Complete', cancel: 'Cancel',
    created: 'Created', closed: 'Closed', no_dispatches: 'No dispatches.',
    completed_n: (id) => `Dispatch #${id} completed`, cancelled_n: (id) => `Dispatch #${id} cancelled`,
    wi_h: 'What-if (planners)', wi_na: 'What-if is not available on this server: POST /v1/districts/{d}/scenarios does not exist.',
    wi_role: 'What-if needs the planner or admin role.', wi_run: 'Run scenario', wi_file: 'Scenario file (TOML)',
    wi_explain: 'Compute the smallest fix for empty slots (slower)', wi_fix_h: 'Smallest fix per empty slot',
    wi_bad_toml: 'Cannot read the scenario file',
    wi_scale: 'Demand scale', wi_remove: 'Remove cadres (ids, comma-separated)', wi_travel: 'Travel limit (km)',
    wi_running: 'Running the scenario…', baseline: 'baseline', scenario: 'scenario', delta: 'delta', churn: 'Churn',
    kept: 'kept', moved: 'moved', added: 'added', dropped: 'dropped', kpi: 'KPI',
    error: 'Error',
  },
};

const S = {
  lang: localStorage.getItem('matcher.lang') === 'en' ? 'en' : 'zh',
  token: sessionStorage.getItem('matcher.token') || '',
  me: null, districts: [], district: null, view: 'overview',
  tax: null, communities: [], commById: new Map(), demands: [], demById: new Map(),
  cadres: [], cadById: new Map(), category: 'all', picked: null,
  proposal: null, declines: [], sort: { key: 'score', dir: -1 }, filter: '', stateFilter: 'all',
  selected: new Set(), open: null, busy: false,
  dispatches: [], dispFilter: 'active', scenarios: undefined, whatif: null,
};

const $ = (sel, root = document) => root.querySelector(sel);
const t = (key, ...args) => {
  const v = I18N[S.lang][key];
  return typeof v === 'function' ? v(...args) : v;
};
const st = (s) => I18N[S.lang].st[s] || s;
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v, d = 2) => Number(v).toLocaleString(S.lang === 'zh' ? 'zh-CN' : 'en',
  { maximumFractionDigits: d, minimumFractionDigits: 0 });
const pct = (v) => `${num(v * 100, 1)}%`;
const can = {
  propose: () => ['admin', 'dispatcher', 'planner'].includes(S.me?.role),
  write: () => ['admin', 'dispatcher'].includes(S.me?.role),
  whatif: () => ['admin', 'planner'].includes(S.me?.role),
};
const key = (a) => `${a.cadre}|${a.demand}`;

function idemKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

async function api(path, { method = 'GET', body, idem } = {}) {
  const headers = { Authorization: `Bearer ${S.token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idem) headers['Idempotency-Key'] = idem;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

const dpath = (p) => `/v1/districts/${encodeURIComponent(S.district)}${p}`;

async function listAll(path) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(`${dpath(path)}${sep}limit=1000&offset=${offset}`);
    out.push(...page.data);
    if (out.length >= page.count || page.data.length === 0) return out;
  }
}

function setStatus(msg) { $('#status').textContent = msg || ''; }
function showError(err) {
  const box = $('#error');
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  const p = err.problem || {};
  const parts = [`${t('error')}${err.status ? ` (${err.status})` : ''}: ${err.message}`];
  for (const c of p.changes || []) parts.push(typeof c === 'string' ? c : JSON.stringify(c));
  for (const e of p.errors || []) parts.push(`${e.pointer || ''} ${e.message || ''}`);
  box.textContent = parts.join(' · ');
  box.hidden = false;
}
async function guarded(fn) {
  showError(null);
  try { await fn(); } catch (err) { showError(err); if (!(err instanceof ApiError)) throw err; }
}

// ------------------------------------------------------------------ chrome, i18n, sign-in
function applyLang() {
  document.documentElement.lang = S.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `matcher · ${t('title')}`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const b = $('#lang');
  b.textContent = S.lang === 'zh' ? 'English' : '中文';
  b.lang = S.lang === 'zh' ? 'en' : 'zh-CN';
  b.setAttribute('aria-label', S.lang === 'zh' ? 'Switch to English' : '切换到中文');
  if (S.me) {
    $('#role-badge').textContent = t('signed_in', t('role')[S.me.role] || S.me.role,
      S.districts.map((d) => d.id).join(', ') || '—');
  }
}

function showView(view) {
  S.view = view;
  for (const b of document.querySelectorAll('#tabs button')) {
    const on = b.dataset.view === view;
    b.classList.toggle('on', on);
    if (on) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  for (const v of ['overview', 'proposal', 'dispatches', 'whatif']) $(`#view-${v}`).hidden = v !== view;
  return guarded(() => RENDER[view]());
}

async function signIn(token) {
  S.token = token.trim();
  showError(null);
  setStatus(t('loading'));
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
  sel.innerHTML = S.districts.map((d) => `<option value="${esc(d.id)}">${esc(d.name)} (${esc(d.id)})</option>`).join('');
  $('#signin').hidden = true;
  $('#who').hidden = false;
  $('#tabs').hidden = false;
  $('#tabs [data-view="whatif"]').hidden = !can.whatif();
  applyLang();
  if (S.districts.length) await selectDistrict(S.districts[0].id);
  else setStatus(t('signed_in', S.me.role, '—'));
}

function signOut() {
  sessionStorage.removeItem('matcher.token');
  location.reload();
}

async function selectDistrict(id) {
  S.district = id;
  Object.assign(S, { proposal: null, declines: [], selected: new Set(), open: null, picked: null, whatif: null });
  await guarded(async () => {
    await loadPool();
    await showView('overview');
  });
}

async function loadPool() {
  setStatus(t('loading'));
  const [tax, comms, demands, cadres] = await Promise.all([
    api(dpath('/taxonomy')), api(dpath('/communities')), listAll('/demands'), listAll('/cadres'),
  ]);
  S.tax = tax;
  S.communities = comms.data;
  S.commById = new Map(S.communities.map((c) => [c.id, c]));
  S.demands = demands;
  S.demById = new Map(demands.map((d) => [d.id, d]));
  S.cadres = cadres;
  S.cadById = new Map(cadres.map((c) => [c.id, c]));
  setStatus(t('loaded', S.communities.length, S.cadres.length, S.demands.length));
}

// ------------------------------------------------------------------ overview: heat map
const HEAT = ['#fff3b0', '#fdc25b', '#f7863a', '#d9472b', '#8f1426'];
const ZERO = '#e4eaef';
const catName = (c) => (S.lang === 'zh' ? c.zh : c.en);
const touches = (d, cat) => [...Object.keys(d.needs), ...Object.keys(d.requires)].some((s) => s.startsWith(cat + '.'));
const commName = (id) => S.commById.get(id)?.name || id;
const cadreLabel = (id) => { const c = S.cadById.get(id); return c ? `${id} ${c.name}` : id; };

function unmet() {
  const m = new Map();
  for (const d of S.demands) {
    if (d.status !== 'open' || (S.category !== 'all' && !touches(d, S.category))) continue;
    const slots = Math.max(0, d.headcount - d.filled);
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
    if (c.status !== 'red') e.free += Math.max(0, c.capacity - c.active_dispatches);
    m.set(c.home, e);
  }
  return m;
}

function heatColour(v, max) {
  if (!v) return ZERO;
  return HEAT[Math.min(HEAT.length - 1, Math.floor((v / max) * HEAT.length - 1e-9))];
}

function renderOverview() {
  const view = $('#view-overview');
  const cats = S.tax?.categories || [];
  view.innerHTML = `
    <div class="head"><h2 id="ov-h">${esc(t('ov_h'))}</h2>
      <label>${esc(t('category'))}
        <select id="cat"><option value="all">${esc(t('all'))}</option>
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

function drawMap() {
  const cs = S.communities;
  const U = unmet();
  const max = Math.max(0, ...[...U.values()].map((e) => e.weighted));
  if (!cs.length) { $('#map').textContent = '—'; return; }
  const lats = cs.map((c) => c.lat), lons = cs.map((c) => c.lon);
  const k = Math.cos(((Math.min(...lats) + Math.max(...lats)) / 2) * Math.PI / 180);
  const x0 = Math.min(...lons), y1 = Math.max(...lats);
  const spanX = Math.max(1e-6, (Math.max(...lons) - x0) * k), spanY = Math.max(1e-6, y1 - Math.min(...lats));
  // the drawing keeps the district's shape: 600 units on its longer side
  const s = 600 / Math.max(spanX, spanY), pad = 20;
  const W = spanX * s + 2 * pad, H = spanY * s + 2 * pad, ox = pad, oy = pad;
  const dots = cs.map((c) => {
    const e = U.get(c.id) || { open: 0, slots: 0, weighted: 0 };
    const x = ox + (c.lon - x0) * k * s, y = oy + (y1 - c.lat) * s;
    const r = 5 + Math.min(7, e.slots);
    const label = `${c.name}：${t('c_slots')} ${e.slots}，${t('c_weighted')} ${e.weighted}`;
    return `<circle class="dot${S.picked === c.id ? ' picked' : ''}" data-c="${esc(c.id)}" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}"
      r="${r.toFixed(1)}" fill="${heatColour(e.weighted, max)}" tabindex="0" role="button"
      aria-label="${esc(label)}"><title>${esc(label)}</title></circle>`;
  }).join('');
  $('#map').innerHTML = `<svg viewBox="0 0 ${W.toFixed(0)} ${H.toFixed(0)}" role="group" aria-label="${esc(t('map_label'))}">
    <rect x="0" y="0" width="100%" height="100%" class="sea"/>${dots}</svg>`;
  const steps = HEAT.map((col, i) => {
    const lo = Math.floor((i * max) / HEAT.length) + 1, hi = Math.floor(((i + 1) * max) / HEAT.length);
    return max ? `<span><i style="background:${col}"></i>${lo === hi ? hi : `${lo}–${hi}`}</span>` : '';
  }).join('');
  $('#legend').innerHTML = `<b>${esc(t('legend'))}</b> <span><i style="background:${ZERO}"></i>${esc(t('none'))}</span>${steps}`;
}

function drawCommunityInfo() {
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
    </dl><button type="button" id="unpick">${esc(t('clear'))}</button>`;
}

function drawOverviewTables() {
  const U = unmet();
  let ds = [...U.values()].flatMap((e) => e.demands);
  if (S.picked) ds = ds.filter((d) => d.community === S.picked);
  ds.sort((a, b) => (b.headcount - b.filled) * b.priority - (a.headcount - a.filled) * a.priority || a.id.localeCompare(b.id));
  const dshow = ds.slice(0, 40);
  $('#dtab').innerHTML = `<p class="hint">${esc(t('shown', dshow.length, ds.length))}</p>
    <div class="scroll"><table class="grid" id="demands-table"><thead><tr>
      <th scope="col">${esc(t('id'))}</th><th scope="col">${esc(t('title_col'))}</th><th scope="col">${esc(t('community'))}</th>
      <th scope="col">${esc(t('priority'))}</th><th scope="col">${esc(t('filled'))}</th><th scope="col">${esc(t('status'))}</th></tr></thead>
      <tbody>${dshow.map((d) => `<tr><td>${esc(d.id)}</td><td>${esc(d.title)}</td><td>${esc(commName(d.community))}</td>
        <td>${d.priority}</td><td>${d.filled}/${d.headcount}</td><td>${esc(st(d.status))}</td></tr>`).join('')}</tbody></table></div>`;
  let cs = S.cadres;
  if (S.picked) cs = cs.filter((c) => c.home === S.picked);
  cs = [...cs].sort((a, b) => b.active_dispatches - a.active_dispatches || b.capacity - a.capacity || a.id.localeCompare(b.id));
  const cshow = cs.slice(0, 40);
  $('#ctab').innerHTML = `<p class="hint">${esc(t('shown', cshow.length, cs.length))}</p>
    <div class="scroll"><table class="grid" id="cadres-table"><thead><tr>
      <th scope="col">${esc(t('id'))}</th><th scope="col">${esc(t('name'))}</th><th scope="col">${esc(t('home'))}</th>
      <th scope="col">${esc(t('status'))}</th><th scope="col">${esc(t('load'))}</th></tr></thead>
      <tbody>${cshow.map((c) => `<tr><td>${esc(c.id)}</td><td class="cname">${esc(c.name)}</td><td>${esc(commName(c.home))}</td>
        <td><span class="tri ${esc(c.status)}" aria-hidden="true"></span>${esc(st(c.status))}</td>
        <td><meter min="0" max="${Math.max(1, c.capacity)}" value="${c.active_dispatches}"></meter> ${c.active_dispatches}/${c.capacity}</td></tr>`).join('')}</tbody></table></div>`;
}

function pick(id) {
  S.picked = id;
  for (const el of document.querySelectorAll('#map .dot')) el.classList.toggle('picked', el.dataset.c === id);
  drawCommunityInfo();
  drawOverviewTables();
}

// ------------------------------------------------------------------ proposal
async function loadLatestProposal() {
  const list = await api(dpath('/proposals?limit=1'));
  S.proposal = list.data.length ? await api(dpath(`/proposals/${list.data[0].id}`)) : null;
  S.declines = (await api(dpath('/declines'))).data;
}

function declinedBy() {
  const m = new Map();
  for (const x of S.declines) m.set(x.demand, [...(m.get(x.demand) || []), x.cadre]);
  return m;
}

async function renderProposal() {
  if (S.proposal === null) await loadLatestProposal();
  const view = $('#view-proposal');
  const p = S.proposal;
  const kp = p?.result.kpis;
  view.innerHTML = `
    <div class="head"><h2 id="pr-h">${esc(t('pr_h'))}</h2>
      ${can.propose() ? `<button type="button" id="propose" class="primary">${esc(t('propose'))}</button>` : `<span class="hint">${esc(t('no_propose_role'))}</span>`}
      <span id="progress" hidden><progress aria-label="${esc(t('proposing'))}"></progress> ${esc(t('proposing'))}</span>
      <span id="pinfo" class="hint">${p ? esc(t('proposal_n', p.id, p.created_at.replace('T', ' ').slice(0, 19))) : esc(t('no_proposal'))}</span></div>
    ${p ? `
    <dl class="kpis" id="kpis">
      <div><dt>${esc(t('kpi_filled'))}</dt><dd>${kp.slots_filled}/${kp.slots_total}</dd></div>
      <div><dt>${esc(t('kpi_fill'))}</dt><dd>${pct(kp.fill_rate)}</dd></div>
      <div><dt>${esc(t('kpi_pw'))}</dt><dd>${pct(kp.priority_weighted_fill)}</dd></div>
      <div><dt>${esc(t('kpi_fit'))}</dt><dd>${num(kp.mean_skill_fit)}</dd></div>
      <div><dt>${esc(t('kpi_km'))}</dt><dd>${num(kp.mean_travel_km, 1)} ${esc(t('km'))}</dd></div>
      <div><dt>${esc(t('kpi_used'))}</dt><dd>${kp.cadres_used}/${kp.cadres_available}</dd></div>
      <div><dt>${esc(t('kpi_solver'))}</dt><dd>${esc(p.result.solver)}${p.result.certified ? ` · ${esc(t('certified'))}` : ''}</dd></div>
    </dl>
    <div class="filters">
      <label>${esc(t('filter'))} <input id="pfilter" type="search" value="${esc(S.filter)}"></label>
      <label>${esc(t('state'))} <select id="pstate">
        ${['all', 'pending', 'accepted', 'rejected'].map((s) => `<option value="${s}"${s === S.stateFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : st(s))}</option>`).join('')}
      </select></label>
      <span id="pcount" class="hint"></span>
    </div>
    ${can.write() ? `<div class="actions" id="pactions">
      <button type="button" id="accept-sel" class="primary">${esc(t('accept_sel'))}</button>
      <button type="button" id="accept-all">${esc(t('accept_all'))}</button>
      <label>${esc(t('reason'))} <input id="reason" type="text" maxlength="500"></label>
      <button type="button" id="reject-sel" class="danger">${esc(t('reject_sel'))}</button></div>` : ''}
    <div class="proposal">
      <div class="scroll tall"><table class="grid" id="assignments"><thead><tr id="ahead"></tr></thead><tbody id="abody"></tbody></table></div>
      <aside id="explain" class="card explain" aria-live="polite" aria-labelledby="ex-h"></aside>
    </div>
    <details class="card" id="unfilled"><summary>${esc(t('unfilled_h', p.result.unfilled.length))}</summary>
      <ul class="unfilled">${p.result.unfilled.map(unfilledItem).join('')}</ul></details>` : ''}`;
  if (p) { drawAssignments(); drawExplain(); }
}

function unfilledItem(u) {
  const d = S.demById.get(u.demand);
  const fix = u.counterfactual ?? u.fix ?? u.relaxation;
  return `<li><b>${esc(u.demand)}</b> ${esc(d?.title || '')} · ${esc(commName(d?.community))} · ${esc(t('slots'))} ${u.slots}
    · ${esc(t('qualified'))} ${u.qualified ?? '—'}
    <ul>${u.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
    ${fix ? `<p class="fix"><b>${esc(t('fix'))}:</b> ${esc(typeof fix === 'string' ? fix : JSON.stringify(fix))}</p>` : ''}</li>`;
}

const COLS = [
  ['demand', (a) => a.demand], ['community', (a) => commName(S.demById.get(a.demand)?.community)],
  ['cadre', (a) => a.cadre], ['score', (a) => a.score], ['state', (a) => a.state],
];

function visibleAssignments() {
  const f = S.filter.trim().toLowerCase();
  const [, get] = COLS.find(([k]) => k === S.sort.key);
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
  const w = can.write();
  $('#ahead').innerHTML = (w ? `<th scope="col"><span class="sr">${esc(t('select'))}</span></th>` : '') + COLS.map(([k]) => {
    const on = S.sort.key === k;
    const aria = on ? ` aria-sort="${S.sort.dir > 0 ? 'ascending' : 'descending'}"` : '';
    return `<th scope="col"${aria}><button type="button" class="sort" data-sort="${k}" aria-label="${esc(t('sort_by', t(k)))}">${esc(t(k))}${on ? (S.sort.dir > 0 ? ' ▲' : ' ▼') : ''}</button></th>`;
  }).join('');
  const rows = visibleAssignments();
  const dec = declinedBy();
  $('#abody').innerHTML = rows.map((a) => {
    const d = S.demById.get(a.demand);
    const k = key(a);
    const gone = dec.get(a.demand)?.filter((c) => c !== a.cadre) || [];
    const alt = a.state === 'pending' && gone.length ? `<span class="tag alt">${esc(t('alternate', gone.join(', ')))}</span>` : '';
    const box = w ? `<td>${a.state === 'pending' ? `<input type="checkbox" class="pick" data-k="${esc(k)}"${S.selected.has(k) ? ' checked' : ''} aria-label="${esc(t('select_row', a.demand, a.cadre))}">` : ''}</td>` : '';
    return `<tr data-k="${esc(k)}" class="${S.open === k ? 'open' : ''} st-${esc(a.state)}">${box}
      <td><button type="button" class="link explain-btn" data-k="${esc(k)}" aria-expanded="${S.open === k}">${esc(a.demand)}</button> ${esc(d?.title || '')} ${alt}</td>
      <td>${esc(commName(d?.community))}</td><td class="cname">${esc(cadreLabel(a.cadre))}</td>
      <td class="n">${num(a.score)}</td><td><span class="state ${esc(a.state)}">${esc(st(a.state))}</span></td></tr>`;
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
      · ${esc(t('score'))} ${num(x.score)} · ${esc(t('loss'))} −${num(x.loss)}</li>`).join('')}</ol>` : `<p class="hint">${esc(t('no_alts'))}</p>`}`;
}

function chosenPairs() {
  return [...S.selected].map((k) => { const [cadre, demand] = k.split('|'); return { cadre, demand }; });
}

async function refreshAfterWrite() {
  S.proposal = await api(dpath(`/proposals/${S.proposal.id}`));
  S.declines = (await api(dpath('/declines'))).data;
  const [demands, cadres] = await Promise.all([listAll('/demands'), listAll('/cadres')]);
  S.demands = demands; S.demById = new Map(demands.map((d) => [d.id, d]));
  S.cadres = cadres; S.cadById = new Map(cadres.map((c) => [c.id, c]));
  S.selected = new Set();
}

async function doAccept(all) {
  const pairs = all ? undefined : chosenPairs();
  if (!all && !pairs.length) { setStatus(t('none_selected')); return; }
  const r = await api(dpath(`/proposals/${S.proposal.id}/accept`), {
    method: 'POST', body: all ? {} : { assignments: pairs }, idem: idemKey(),
  });
  await refreshAfterWrite();
  await renderProposal();
  setStatus(t('accepted_n', r.dispatches.length));
}

async function doReject() {
  const pairs = chosenPairs();
  if (!pairs.length) { setStatus(t('none_selected')); return; }
  const reason = $('#reason').value.trim();
  const r = await api(dpath(`/proposals/${S.proposal.id}/reject`), {
    method: 'POST', body: reason ? { assignments: pairs, reason } : { assignments: pairs }, idem: idemKey(),
  });
  await refreshAfterWrite();
  await renderProposal();
  setStatus(t('rejected_n', r.declines.length));
}

async function doPropose() {
  if (S.busy) return;
  S.busy = true;
  const btn = $('#propose');
  btn.disabled = true;
  $('#progress').hidden = false;
  $('#view-proposal').setAttribute('aria-busy', 'true');
  setStatus(t('proposing'));
  try {
    S.proposal = await api(dpath('/proposals'), { method: 'POST', body: {}, idem: idemKey() });
    S.declines = (await api(dpath('/declines'))).data;
    Object.assign(S, { selected: new Set(), open: null });
    await renderProposal();
    const k = S.proposal.result.kpis;
    setStatus(t('proposed', S.proposal.id, k.slots_filled, k.slots_total));
  } finally {
    S.busy = false;
    $('#view-proposal').removeAttribute('aria-busy');
    const b = $('#propose'); if (b) b.disabled = false;
    const pg = $('#progress'); if (pg) pg.hidden = true;
  }
}

// ------------------------------------------------------------------ dispatches
async function renderDispatches() {
  const q = S.dispFilter === 'all' ? '' : `?status=${S.dispFilter}`;
  S.dispatches = await listAll(`/dispatches${q}`);
  const w = can.write();
  const view = $('#view-dispatches');
  view.innerHTML = `<div class="head"><h2 id="di-h">${esc(t('di_h'))}</h2>
      <label>${esc(t('status'))} <select id="dfilter">${['active', 'completed', 'cancelled', 'all'].map((s) =>
        `<option value="${s}"${s === S.dispFilter ? ' selected' : ''}>${esc(s === 'all' ? t('all_states') : st(s))}</option>`).join('')}</select></label>
      ${w ? `<label>${esc(t('note'))} <input id="dnote" type="text" maxlength="500"></label>` : ''}</div>
    ${S.dispatches.length ? `<div class="scroll"><table class="grid" id="dispatches"><thead><tr>
      <th scope="col">#</th><th scope="col">${esc(t('demand'))}</th><th scope="col">${esc(t('community'))}</th>
      <th scope="col">${esc(t('cadre'))}</th><th scope="col">${esc(t('score'))}</th><th scope="col">${esc(t('status'))}</th>
      <th scope="col">${esc(t('created'))}</th><th scope="col">${esc(t('note'))}</th>${w ? '<th scope="col"><span class="sr">actions</span></th>' : ''}</tr></thead>
      <tbody>${S.dispatches.map((x) => {
        const d = S.demById.get(x.demand);
        const acts = w && x.status === 'active' ? `<button type="button" class="complete" data-id="${x.id}">${esc(t('complete'))}</button>
          <button type="button" class="cancel danger" data-id="${x.id}">${esc(t('cancel'))}</button>` : '';
        return `<tr data-id="${x.id}"><td>${x.id}</td><td>${esc(x.demand)} ${esc(d?.title || '')}</td><td>${esc(commName(d?.community))}</td>
          <td class="cname">${esc(cadreLabel(x.cadre))}</td><td class="n">${num(x.score)}</td>
          <td><span class="state ${esc(x.status)}">${esc(st(x.status))}</span></td>
          <td>${esc(x.created_at.replace('T', ' ').slice(0, 16))}</td><td>${esc(x.note ?? '')}</td>${w ? `<td>${acts}</td>` : ''}</tr>`;
      }).join('')}</tbody></table></div>` : `<p class="hint">${esc(t('no_dispatches'))}</p>`}`;
}

async function closeDispatch(id, how) {
  const note = $('#dnote')?.value.trim();
  await api(dpath(`/dispatches/${id}/${how}`), { method: 'POST', body: note ? { note } : {}, idem: idemKey() });
  const cadres = await listAll('/cadres');
  S.cadres = cadres; S.cadById = new Map(cadres.map((c) => [c.id, c]));
  const demands = await listAll('/demands');
  S.demands = demands; S.demById = new Map(demands.map((d) => [d.id, d]));
  S.dispFilter = 'all';
  await renderDispatches();
  setStatus(how === 'complete' ? t('completed_n', id) : t('cancelled_n', id));
}

// ------------------------------------------------------------------ what-if
const SCENARIO_PATH = '/v1/districts/{district}/scenarios';

async function scenarioOp() {
  if (S.scenarios === undefined) {
    const r = await fetch('/openapi.json');
    S.spec = r.ok ? await r.json() : {};
    S.scenarios = S.spec.paths?.[SCENARIO_PATH]?.post || null;
  }
  return S.scenarios;
}

async function renderWhatif() {
  const view = $('#view-whatif');
  const op = await scenarioOp();
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
    </form><div id="wi-out"></div>`;
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

function tomlValue(v, n) {
  v = v.trim();
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.startsWith('[')) v = v.replace(/'([^']*)'/g, (_, x) => JSON.stringify(x)).replace(/,\s*\]$/, ']');
  try { return JSON.parse(v); } catch { throw new Error(`${t('wi_bad_toml')}: line ${n}: ${v}`); }
}

function parseToml(text) {
  const out = {};
  let cur = out;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw).trim();
    let m;
    if (!line) return;
    if ((m = line.match(/^\[\[\s*([\w.-]+)\s*\]\]$/))) { (out[m[1]] ||= []).push((cur = {})); return; }
    if ((m = line.match(/^\[\s*([\w.-]+)\s*\]$/))) { cur = out[m[1]] ||= {}; return; }
    if ((m = line.match(/^([\w-]+)\s*=\s*(.+)$/))) { cur[m[1]] = tomlValue(m[2], i + 1); return; }
    throw new Error(`${t('wi_bad_toml')}: line ${i + 1}: ${raw.trim()}`);
  });
  return out;
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
    const sc = parseToml(await file.text());
    body.name = String(sc.name || file.name);
    if (sc.description) body.description = String(sc.description);
    body.edits = [...(sc.edits || []), ...edits];
  }
  setStatus(t('wi_running'));
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    S.whatif = await api(dpath('/scenarios'), { method: 'POST', body });
  } finally { btn.disabled = false; }
  drawWhatif(S.whatif);
  setStatus(`${t('scenario')}: ${S.whatif.scenario ?? body.name}`);
}

const KPI_LABEL = {
  slots_filled: 'kpi_filled', fill_rate: 'kpi_fill', priority_weighted_fill: 'kpi_pw',
  mean_skill_fit: 'kpi_fit', mean_travel_km: 'kpi_km', cadres_used: 'kpi_used',
  slots_total: 'kpi_total', max_travel_km: 'kpi_maxkm', cadres_available: 'kpi_avail', objective: 'kpi_obj',
};

function drawWhatif(r) {
  const cmp = Array.isArray(r.comparisons) ? r.comparisons[0] : Array.isArray(r.scenarios) ? r.scenarios[0] : r;
  const kpis = Array.isArray(cmp.kpis) ? cmp.kpis : Object.keys(cmp.base?.kpis || {}).map((k) => ({
    kpi: k, base: cmp.base.kpis[k], scenario: cmp.result?.kpis?.[k], delta: (cmp.result?.kpis?.[k] ?? 0) - cmp.base.kpis[k] }));
  const churn = cmp.churn || {};
  const cats = new Map((S.tax?.categories || []).map((c) => [c.slug, catName(c)]));
  $('#wi-out').innerHTML = `<div class="two"><div class="scroll"><table class="grid" id="wi-kpis"><thead><tr><th scope="col">${esc(t('kpi'))}</th>
    <th scope="col">${esc(t('baseline'))}</th><th scope="col">${esc(t('scenario'))}</th><th scope="col">${esc(t('delta'))}</th></tr></thead>
    <tbody>${kpis.map((x) => `<tr><th scope="row">${esc(KPI_LABEL[x.kpi] ? t(KPI_LABEL[x.kpi]) : x.kpi)}</th><td class="n">${num(x.base, 3)}</td>
      <td class="n">${num(x.scenario, 3)}</td><td class="n ${x.delta < 0 ? 'down' : x.delta > 0 ? 'up' : ''}">${x.delta > 0 ? '+' : ''}${num(x.delta, 3)}</td></tr>`).join('')}
      ${(cmp.unfilled_by_category || []).map((x) => `<tr><th scope="row">${esc(t('unfilled_h', '').replace(/[（(].*/, ''))} · ${esc(cats.get(x.key) || x.key)}</th>
      <td class="n">${x.base}</td><td class="n">${x.scenario}</td><td class="n">${x.delta > 0 ? '+' : ''}${x.delta}</td></tr>`).join('')}</tbody></table></div>
    <div class="card"><h3>${esc(t('churn'))}</h3><dl class="nums">${['kept', 'moved', 'added', 'dropped'].map((k) =>
      `<dt>${esc(t(k))}</dt><dd>${esc(churn[k] ?? '—')}</dd>`).join('')}</dl>
      <ul class="churn">${(churn.changes || []).slice(0, 30).map((c) => `<li>${esc(t(c.kind))} ${esc(cadreLabel(c.cadre))}:
        ${esc((c.before || []).join(', ') || '—')} → ${esc((c.after || []).join(', ') || '—')} · ${esc(c.reason)}</li>`).join('')}</ul></div></div>
    ${cmp.counterfactuals ? `<details class="card" open><summary>${esc(t('wi_fix_h'))} (${cmp.counterfactuals.length})</summary><ul class="unfilled" id="wi-fixes">
      ${cmp.counterfactuals.map((x) => `<li><b>${esc(x.demand)}</b> ${esc(S.demById.get(x.demand)?.title || '')} · ${esc(t('slots'))} ${x.slots}
        <ul>${(x.options || []).map((o) => `<li>${esc(o.text)} (${o.objective_delta >= 0 ? '+' : ''}${num(o.objective_delta)})</li>`).join('') || `<li>${esc(t('no_alts'))}</li>`}</ul></li>`).join('')}
    </ul></details>` : ''}`;
}

const RENDER = { overview: renderOverview, proposal: renderProposal, dispatches: renderDispatches, whatif: renderWhatif };

// ------------------------------------------------------------------ events
function wire() {
  $('#signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('#token').value); });
  $('#signout').addEventListener('click', signOut);
  $('#lang').addEventListener('click', () => {
    S.lang = S.lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('matcher.lang', S.lang);
    applyLang();
    if (S.me && S.district) showView(S.view);
  });
  $('#district').addEventListener('change', (e) => selectDistrict(e.target.value));
  $('#tabs').addEventListener('click', (e) => { const b = e.target.closest('button[data-view]'); if (b) showView(b.dataset.view); });

  const ov = $('#view-overview');
  ov.addEventListener('change', (e) => { if (e.target.id === 'cat') { S.category = e.target.value; drawMap(); drawCommunityInfo(); drawOverviewTables(); } });
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

  const pr = $('#view-proposal');
  pr.addEventListener('click', (e) => guarded(async () => {
    const el = e.target;
    if (el.id === 'propose') return doPropose();
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
    }
    return undefined;
  }));
  pr.addEventListener('change', (e) => {
    if (e.target.matches('input.pick')) {
      if (e.target.checked) S.selected.add(e.target.dataset.k); else S.selected.delete(e.target.dataset.k);
    } else if (e.target.id === 'pstate') { S.stateFilter = e.target.value; drawAssignments(); }
  });
  pr.addEventListener('input', (e) => { if (e.target.id === 'pfilter') { S.filter = e.target.value; drawAssignments(); } });

  const di = $('#view-dispatches');
  di.addEventListener('change', (e) => { if (e.target.id === 'dfilter') { S.dispFilter = e.target.value; guarded(renderDispatches); } });
  di.addEventListener('click', (e) => guarded(async () => {
    const b = e.target.closest('button.complete, button.cancel');
    if (b) await closeDispatch(Number(b.dataset.id), b.classList.contains('complete') ? 'complete' : 'cancel');
  }));
  $('#view-whatif').addEventListener('submit', (e) => { e.preventDefault(); guarded(() => runWhatif(e.target)); });
}

wire();
applyLang();
if (S.token) signIn(S.token);
