// Words of the console in Chinese and English, number formats, and the rendering of the
// server's coded messages ({code, params}) with the catalogue of GET /v1/messages.

import { S } from './core.js';
import { api, hasRoute } from './api.js';

export const I18N = {
  zh: {
    skip: '跳到主要内容', title: '后备干部调度台', district: '区', signout: '退出登录',
    signin: '登录', token: '访问令牌', signin_btn: '登录',
    token_hint: '由管理员用命令', token_hint2: ' 生成；令牌只保存在本标签页。', views: '视图',
    tab_overview: '需求热力图', tab_proposal: '派遣方案', tab_dispatches: '派遣记录',
    tab_demands: '需求管理', tab_cadres: '干部管理', tab_whatif: '推演',
    role: { admin: '管理员', dispatcher: '调度员', planner: '规划员', analyst: '分析员', supervisor: '监督员' },
    loaded_review: (n, c, p, d) => `${n}：${c} 个社区、${p} 名干部、${d} 项需求（监督员只查看方案、派遣记录、互助账本和审计记录）`,
    signed_in: (r, ds) => `已登录：${r}，可见区 ${ds}`,
    date_ph: '年-月-日', bad_date: (v) => `“${v}”不是日期：请写作 年-月-日（如 2026-03-01，也可写 2026/3/1 或 2026年3月1日）`,
    loading: '正在加载…', loaded: (c, p, d) => `已加载 ${c} 个社区、${p} 名干部、${d} 项需求`,
    ov_h: '社区服务热力图', category: '技能类别', all: '全部类别',
    legend: '未满足需求（按优先级加权）', none: '无', streets_legend: '虚线框为街道范围',
    map_label: '社区位置图，颜色表示未满足的加权需求；可用键盘逐个查看社区',
    pick_hint: '悬停、点击或用键盘选中一个社区查看数据。',
    c_open: '待满足需求', c_slots: '缺口人数', c_weighted: '加权缺口', c_cadres: '居住干部',
    c_free: '可用名额', street: '街道', clear: '取消选中',
    c_supply: '可派合格干部', c_gap: '缺口（名额多于可派干部）', map_show: '地图显示',
    show_demand: '未满足需求', show_supply: '可派合格干部', show_gap: '供需缺口',
    legend_supply: '可派合格干部（满足某项待派需求全部硬性规则、尚有余量）', legend_gap: '缺口：待派名额减可派合格干部',
    demands_h: '需求', cadres_h: '干部', shown: (n, t) => `显示 ${n} / ${t}`,
    id: '编号', title_col: '事项', community: '社区', priority: '优先级', filled: '已派/需要',
    status: '状态', name: '姓名', load: '负荷', home: '居住社区', actions: '操作',
    st: { open: '进行中', closed: '已关闭', done: '已完成', green: '绿', yellow: '黄', red: '红',
      pending: '待定', accepted: '已接受', rejected: '已拒绝', superseded: '已被取代', draft: '草案',
      active: '进行中', completed: '已完成', cancelled: '已取消', no_show: '未到岗' },
    stages: { open: '待派', partly_staffed: '部分到位', staffed: '已派满', done: '已完成', cancelled: '已取消', closed: '已关闭' },
    pstatus: { pending: '待决定', decided: '已全部决定', superseded: '已被新方案取代', empty: '无新人选', draft: '草案' },
    solver: { lp: '线性规划', 'lp-streamed': '线性规划（流式）', lsa: '线性指派', milp: '整数规划', empty: '无需求解' },
    pr_h: '派遣方案', propose: '生成方案', proposed: (id, f, n) => `方案 #${id} 已生成：本次填补 ${f}/${n} 个缺口`, proposing: '正在计算最优方案…',
    job_queued: '方案已排队，等待计算…', job_running: '正在后台计算方案…', job_running_pct: (p) => `正在后台计算方案：已完成 ${p}`,
    job_cancel: '停止计算', job_stopping: '正在停止计算（在本步算完时停下）…', job_cancelled: '方案计算已停止，未生成新方案', job_failed: '方案计算失败，未生成新方案',
    p_from: '自', p_to: '至', p_horizon_hint: '（可选：只排这几天的定时工单，最长 62 天）',
    proposal_n: (id, at) => `方案 #${id}（${at}）`, no_proposal: '还没有方案。',
    no_propose_role: '当前角色只能查看方案。',
    superseded_note: '这个方案已被更新的方案取代，不能再接受；请重新生成方案。',
    decided_note: '这个方案的每一项都已决定。',
    draft_note: '这是规划员的草案：供查看和比较，不会取代调度员的方案，也不能接受或拒绝。',
    empty_note: '本次没有可派的新人选：已派的保持不变；空缺的原因见下方“未满足需求”。',
    kpi_district: '全区进度',
    pp: (v) => `${v} 个百分点`,
    kpi_district_then: '全区进度（生成方案时）',
    district_line: (b, p, a, n) => `已派 ${b} + 本次 ${p} = ${a}/总 ${n}`,
    district_rate: (fb, fa) => `填补率 ${fb} → ${fa}`,
    kpi_filled: '本次填补', kpi_fill: '本次填补率', kpi_pw: '优先级加权', kpi_fit: '平均技能匹配',
    kpi_km: '平均路程', kpi_used: '使用干部', kpi_total: '需求名额', kpi_maxkm: '最远路程',
    kpi_avail: '可用干部', kpi_obj: '目标值', kpi_solver: '求解',
    certified: '已证明最优', filter: '筛选（编号、事项、社区、姓名）', state: '状态',
    all_states: '全部', demand: '需求', cadre: '干部', score: '得分', select: '选择',
    select_row: (d, c) => `选择 ${d} → ${c}`, explain: '说明',
    explain_h: '评分说明', explain_hint: '点击一行查看得分构成和备选人选。',
    km: '公里', fit: '技能匹配',
    term: { fill: '填补', skill: '技能', travel: '路程', status: '三色状态', reliability: '可靠度', hours_behind: '服务时长欠缺', recent_load: '近期负荷', idle_bonus: '久未派遣加分', home_first: '本社区优先', load: '本次方案负荷' },
    alts: '备选人选（按总分损失排序）', no_alts: '没有可行的备选人选。', loss: '损失',
    accept_sel: '接受所选', accept_all: '全部接受', reject_sel: '拒绝所选',
    reason: '拒绝原因', rej_unavail: '本人暂不可派', rej_until: '暂不可派至（可选）',
    accepted_n: (n) => `已接受 ${n} 项，生成派遣`, rejected_n: (n) => `已拒绝 ${n} 项；重新生成方案将给出备选人选`,
    rejected_away: (c) => `${c} 已标记为暂不可派，其待定派遣已拒绝`,
    proposal_replaced: (id) => `方案已更新为 #${id}，请重新选择`,
    none_selected: '请先勾选待定的派遣。', nothing_pending: '没有待定的派遣。', alternate: (c) => `替补（${c} 已被拒绝）`,
    unfilled_h: (n) => `未满足需求（${n}）`, slots: '缺口', qualified: '合格干部',
    fix: '最小调整', sort_by: (c) => `按${c}排序`,
    declines_h: (n) => `拒绝记录（${n}）`, no_declines: '没有拒绝记录。', time: '时间', by: '经办',
    token_n: (id) => `令牌 #${id}`,
    di_h: '派遣记录', note: '备注（可选）', note_col: '备注', skill: '技能', complete: '完成', cancel: '取消派遣', no_show: '未到岗',
    created: '派遣时间', closed: '结束时间', no_dispatches: '没有派遣记录。',
    di_more: (n, total) => `只显示最近 ${n} 项（共 ${total} 项）`,
    di_saving: (id) => `正在保存派遣 #${id}…`, completed_n: (id) => `派遣 #${id} 已完成`, cancelled_n: (id) => `派遣 #${id} 已取消`, no_show_n: (id) => `派遣 #${id} 已记为未到岗`,
    confirm_cancel: (id, d, c) => `确定取消派遣 #${id}（${d} → ${c}）吗？取消后该干部的名额将释放。`,
    confirm_yes_cancel: '确定取消派遣', confirm_back: '返回', confirm_ok: '确定',
    dm_h: '需求管理', dm_add: '新增需求', dm_search: '搜索（编号、事项、社区）', stage: '进度',
    dm_done: '结项', dm_cancel: '撤销', dm_reopen: '重新开放', headcount: '需要人数',
    recurring: '长期需求（完成的派遣释放名额）', recurring_tag: '长期',
    needs: '技能要求', level: '等级', required: '必须具备', add_need: '添加技能', remove: '移除',
    dm_item: '从服务清单开始', dm_item_none: '（不使用清单，逐项填写）', required_at: (n) => `必须具备（至少 ${n} 级）`,
    certs: '所需证书', save: '保存需求', cancel_form: '收起',
    no_needs: '还没有添加技能要求。', dm_added: (id) => `需求 ${id} 已新增`, dm_dated: '定时工单（可选）', dm_start: '开始时间', dm_end: '结束时间', dm_hours: '服务时长（小时）',
    dm_dated_hint: '本区当地时间，写作 年-月-日 时:分（如 2026-12-08 18:00，也可写 2026/12/08 18:00 或 2026年12月8日 18:00）；有开始时须有结束或服务时长；都留空为长期需求。', dt_ph: '年-月-日 时:分',
    bad_dt: (v) => `“${v}”不是时间：请写作 年-月-日 时:分（如 2026-12-08 18:00）`, bad_hours_dm: (v, max) => `“${v}”不是有效时长：须大于 0 小时，最多 ${max}`,
    dm_end_no_start: '有结束时间须有开始时间', dm_end_before: '结束须在开始之后', dm_start_alone: '有开始时间须有结束时间或服务时长',
    dm_id_empty: '请填写编号', dm_id_long: (max) => `编号最多 ${max} 个字符`, dm_id_chars: '编号只能包含字母、数字、.、- 和 _，并以字母或数字开头',
    dm_title_empty: '请填写事项（或从服务清单开始）', dm_head_range: (lo, hi) => `需要人数须为 ${lo} 到 ${hi} 之间的整数`,
    dm_closed: (id, o) => `需求 ${id} 已${o === 'cancelled' ? '撤销' : '结项'}`, dm_reopened: (id) => `需求 ${id} 已重新开放`,
    confirm_dm_cancel: (id, n) => `确定撤销需求 ${id} 吗？它将不再出现在方案中。${n ? `其 ${n} 项进行中的派遣将一并取消。` : ''}`, confirm_yes_dm: '确定撤销',
    confirm_dm_done: (id, n) => `确定结项需求 ${id} 吗？它将不再出现在方案中。${n ? `其 ${n} 项进行中的派遣将一并记为完成。` : ''}`, confirm_yes_done: '确定结项',
    dm_more: '只显示前 200 项，请用搜索缩小范围。',
    cd_h: '干部管理', cd_search: '搜索（编号、姓名、社区）', availability: '可派情况',
    available: '可派', unavail: (d) => (d ? `暂不可派（至 ${d}）` : '暂不可派（未定期限）'),
    history: '履历', withdraw: '退出人才池', mark_unavail: '标记暂不可派', restore: '恢复可派',
    until: '截至日期（可选）', reason_opt: '原因（可选）', cd_all: '全部', cd_unavail: '暂不可派',
    history_h: (c) => `${c} 的派遣履历`, history_none: '还没有派遣。', cd_declines: '被拒绝的推荐',
    confirm_withdraw: (c) => `确定让 ${c} 退出人才池吗？其记录将从名单中移除。`, confirm_yes_withdraw: '确定退出',
    withdrawn: (c) => `${c} 已退出人才池`, marked_unavail: (c) => `${c} 已标记为暂不可派`, restored: (c) => `${c} 已恢复可派`,
    close_panel: '关闭',
    // outcomes of a dispatch (成长档案 inputs)
    outcome: '结果', hours: '服务时长（小时）', hours_unit: (h) => `${h} 小时`, rating: '社区评价（可选）', no_rating: '未评价',
    rating_n: (r) => `评价 ${r} 分`, exempt: '容错免责（探索中的非原则性失误，记录但不计入预警）', exempt_tag: '容错',
    exempt_reason: '免责理由', cancel_reason: '取消原因', pick_reason: '请选择原因', withdrew_closes: '（该需求随之关闭）', withdrew_warn: (d) => `社区撤回需求：需求 ${d} 将随之关闭，它其余进行中的派遣也将一并取消。`,
    reasons: { cadre_unavailable: '干部无法到岗', no_show: '未到岗', community_withdrew: '社区撤回需求', duplicate: '重复派遣', other: '其他' },
    complete_h: (id, d, c) => `完成派遣 #${id}（${d} → ${c}）`, complete_ok: '确认完成',
    cancel_h: (id, d, c) => `取消派遣 #${id}（${d} → ${c}）`,
    hours_hint: (m) => `大于 0，至多 ${m} 小时`,
    // the growth record
    record: '成长档案', record_h: (c) => `${c} 的成长档案`, as_of: (d) => `截至 ${d}`,
    r_hours_year: '本年服务时长', r_hours_of: (h, target) => `${h} / ${target} 小时`,
    r_target_year: (y) => `全年目标 ${y} 小时`, r_behind: (b) => `落后进度 ${b} 小时`, r_on_track: '进度达标',
    r_hours_recent: (d) => `近 ${d} 天服务时长`, r_hours_total: '累计服务时长',
    r_rating: '评价（按时间加权）', r_rating_v: (r, n) => `${r} 分（${n} 次评价）`, r_rating_raw: (r) => `未收缩 ${r} 分`,
    r_no_rating: '暂无评价', r_completed: '完成派遣', r_exempted: '容错免责', r_no_shows: '未到岗',
    r_no_shows_v: (n, rn, d) => `${n} 次（近 ${d} 天 ${rn} 次）`, r_cancelled: '取消（按原因）',
    r_training: '培训', r_training_v: (h, n) => `${h} 小时，${n} 门课程`, r_certs: '取得证书',
    r_communities: '服务过的社区', r_months: '在池时长', r_months_v: (m, j) => `${m} 个月（${j} 入池）`,
    r_status: '三色状态', r_trainings_h: '培训记录', hours_col: '学时', course: '课程', day: '日期', cert: '证书',
    points_h: '服务积分', balance: (b) => `余额 ${b} 分`, amount: '积分', pts_kind_col: '类型', pts_kind: { earned: '获得', redeemed: '兑换' },
    pts_dispatch: (id) => `派遣 #${id}`, no_points: '还没有积分记录。', none_yet: '暂无',
    r_warnings: '待处理的预警',
    // warnings (三色预警)
    tab_warnings: '三色预警', wa_h: '三色预警建议', wa_evaluate: '重新评估', wa_rule: '规则', wa_change: '建议调整',
    wa_reasons: '理由', wa_state: { pending: '待处理', confirmed: '已确认', dismissed: '已驳回' },
    wa_confirm: '确认', wa_dismiss: '驳回', wa_note: '处理说明（可选）', wa_none: '没有预警建议。',
    wa_evaluated: (n) => (n ? `评估完成：新增 ${n} 条预警建议` : '评估完成：没有新的预警建议'),
    wa_confirmed: (id, c, s) => `预警 #${id} 已确认：${c} 调整为${s}`, wa_dismissed: (id) => `预警 #${id} 已驳回`,
    wa_decided: '处理', wa_now: '当前状态',
    wa_red_active: (c, n) => `${c} 仍有 ${n} 项进行中的派遣。确认转为红色将一并取消这些派遣。`, wa_red_yes: '确认并取消派遣',
    wi_h: '推演（规划员）', wi_na: '此服务器不支持推演。',
    wi_role: '推演需要规划员或管理员权限。', wi_run: '运行推演', wi_file: '场景文件（TOML）',
    wi_explain: '为空缺计算最小调整（较慢）', wi_fix_h: '空缺的最小调整',
    wi_done: (n) => `推演完成：${n}`, wi_knobs: '表单中的调整',
    wi_job_queued: '推演已排队，等待计算…', wi_job_running: (w) => `正在后台推演${w ? `（${w}）` : ''}…`,
    wi_job_running_pct: (w, p) => `正在后台推演${w ? `（${w}）` : ''}：已完成 ${p}`,
    wi_job_cancelled: '推演已停止，没有结果', wi_job_failed: '推演失败，没有结果',
    // a scenario file the console cannot read (whatif.js reads it): where, and the rule broken
    wi_toml: (f, n, c, x, how) => `场景文件读不懂：${f} 第 ${n} 行第 ${c} 列“${x}”——${{
      header: '表头写作 [名称] 或 [[名称]]，如 [[edits]]', line: '每行写作 名称 = 值，如 factor = 1.5',
      value: '值写作 "文字"、数字、true 或 false、[ … ]' }[how]}`,
    wi_toml_utf8: (f) => `场景文件读不懂：${f} 不是 UTF-8 编码，请另存为 UTF-8 后再上传`,
    wi_toml_edits: (f) => `场景文件读不懂：${f} 的 edits 须写成 [[edits]] 表，每项调整一张`,
    wi_scale: '需求倍数', wi_remove: '移除干部（编号，逗号分隔）', wi_travel: '路程上限（公里）',
    wi_filled: '已填补', wi_fill: '填补率', wi_running: '正在推演…', baseline: '基线', scenario: '场景', delta: '变化', churn: '人员变动',
    kept: '保留', moved: '调动', added: '新增', dropped: '撤销', kpi: '指标',
    error: '出错了',
    kind: { cadre_removed: '干部已移除', cadre_changed: '干部信息已变更', cadre_unavailable: '干部暂不可派',
      capacity_used_meanwhile: '干部名额已被占用', demand_removed: '需求已删除', demand_closed: '需求已关闭',
      demand_changed: '需求已变更', headcount_filled_meanwhile: '需求名额已满', pair_declined: '该组合已被拒绝',
      already_dispatched: '已在派遣中', already_accepted: '已接受过', already_rejected: '已拒绝过',
      already_superseded: '已被新方案取代', superseded: '方案已被新方案取代', nothing_pending: '没有待定的派遣',
      'has active dispatches': '仍有进行中的派遣' },
    illegal: (cur) => `当前状态为“${cur}”，不能这样操作`,
    // the request fields a 422 names (errors[].pointer "/body/until"), in words
    fields: {
      until: '暂不可派至', reason: '理由', unavailable: '本人暂不可派', assignments: '派遣组合', pinned: '固定组合',
      cadre: '干部', demand: '需求', edits: '推演调整', ids: '编号', id: '编号', from: '自', to: '至', policy: '策略',
      name: '名称', street: '街道', lat: '纬度', lon: '经度', home: '所属社区', skills: '技能', certs: '证书', cert: '证书',
      capacity: '可派次数', status: '状态', max_travel_km: '出行上限（公里）', available: '每周可服务时间',
      away: '外出或请假', hours_per_week: '每周时长上限', community: '社区', title: '标题', needs: '所需技能',
      requires: '所需技能等级', headcount: '需求人数', priority: '优先级', recurring: '周期', item: '服务事项',
      start: '开始', end: '结束', hours: '服务时长', outcome: '结果', end_dispatches: '一并结束派遣', rating: '评价',
      exempt: '免计', exempt_reason: '免计理由', note: '备注', amount: '积分数', course: '课程', tags: '标签', tag: '标签',
      day: '日期', role: '角色', districts: '区', label: '标注', toml: '文件内容', description: '说明',
      explain_unfilled: '为空缺计算最小调整', category: '类别', factor: '倍数', km: '公里', kind: '调整类型',
      limit: '每页条数', offset: '起始位置', actor: '操作人令牌编号', action: '操作', csv: 'CSV 内容',
    },
    yes: '是', no: '否',
  },
  en: {
    skip: 'Skip to main content', title: 'Reserve-cadre dispatch console', district: 'District',
    signout: 'Sign out', signin: 'Sign in', token: 'Access token', signin_btn: 'Sign in',
    token_hint: 'Created by an admin with', token_hint2: '; kept in this tab only.', views: 'Views',
    tab_overview: 'Demand heat map', tab_proposal: 'Proposal', tab_dispatches: 'Dispatches',
    tab_demands: 'Demands', tab_cadres: 'Cadres', tab_whatif: 'What-if',
    role: { admin: 'admin', dispatcher: 'dispatcher', planner: 'planner', analyst: 'analyst', supervisor: 'supervisor' },
    loaded_review: (n, c, p, d) => `${n}: ${c} communities, ${p} cadres, ${d} demands (a supervisor reads proposals, dispatches, the lending ledger and the audit trail)`,
    signed_in: (r, ds) => `Signed in as ${r}; districts ${ds}`,
    date_ph: 'yyyy-mm-dd', bad_date: (v) => `"${v}" is not a date: write it as yyyy-mm-dd (like 2026-03-01, or 2026/3/1)`,
    loading: 'Loading…', loaded: (c, p, d) => `Loaded ${c} communities, ${p} cadres, ${d} demands`,
    ov_h: 'Community service heat map', category: 'Skill category', all: 'All categories',
    legend: 'Unmet demand (priority-weighted)', none: 'none', streets_legend: 'dashed outlines are streets',
    map_label: 'Map of communities, coloured by unmet weighted demand; Tab through them',
    pick_hint: 'Hover, click or Tab to a community to see its numbers.',
    c_open: 'Open demands', c_slots: 'Unfilled slots', c_weighted: 'Weighted unmet', c_cadres: 'Cadres living here',
    c_free: 'Free capacity', street: 'Street', clear: 'Clear selection',
    c_supply: 'Qualified free supply', c_gap: 'Gap (slots beyond supply)', map_show: 'Map shows',
    show_demand: 'Unmet demand', show_supply: 'Qualified free supply', show_gap: 'Gap',
    legend_supply: 'Qualified free supply (pass every hard rule for an open demand, capacity left)', legend_gap: 'Gap: open slots minus qualified free supply',
    demands_h: 'Demands', cadres_h: 'Cadres', shown: (n, t) => `Showing ${n} of ${t}`,
    id: 'ID', title_col: 'Title', community: 'Community', priority: 'Priority', filled: 'Filled/needed',
    status: 'Status', name: 'Name', load: 'Load', home: 'Home', actions: 'Actions',
    st: { open: 'open', closed: 'closed', done: 'done', green: 'green', yellow: 'yellow', red: 'red',
      pending: 'pending', accepted: 'accepted', rejected: 'rejected', superseded: 'superseded', draft: 'draft',
      active: 'active', completed: 'completed', cancelled: 'cancelled', no_show: 'no-show' },
    stages: { open: 'open', partly_staffed: 'partly staffed', staffed: 'staffed', done: 'done', cancelled: 'cancelled', closed: 'closed' },
    pstatus: { pending: 'pending', decided: 'decided', superseded: 'superseded by a newer proposal', empty: 'nobody new', draft: 'draft' },
    solver: { lp: 'linear programme', 'lp-streamed': 'linear programme (streamed)', lsa: 'linear assignment', milp: 'integer programme', empty: 'nothing to solve' },
    pr_h: 'Proposal', propose: 'Propose', proposed: (id, f, n) => `Proposal #${id} ready: it fills ${f} of ${n} slots`, proposing: 'Computing the optimal plan…',
    job_queued: 'The proposal is queued, waiting to be computed…', job_running: 'Computing the proposal in the background…', job_running_pct: (p) => `Computing the proposal in the background: ${p} done`,
    job_cancel: 'Stop computing', job_stopping: 'Stopping (at the end of the current step)…', job_cancelled: 'Computing was stopped: no new proposal', job_failed: 'Computing the proposal failed: no new proposal',
    p_from: 'From', p_to: 'to', p_horizon_hint: '(optional: plan the dated orders of these days only, at most 62 days)',
    proposal_n: (id, at) => `Proposal #${id} (${at})`, no_proposal: 'No proposal yet.',
    no_propose_role: 'Your role can view proposals only.',
    superseded_note: 'A newer proposal supersedes this one; it can no longer be accepted. Propose again.',
    decided_note: 'Every pair of this proposal is decided.',
    draft_note: "A planner's draft: to look at and compare; it supersedes no dispatcher's proposal and cannot be accepted or rejected.",
    empty_note: 'Nobody new to dispatch: what is dispatched stays; see the unfilled demands below for why slots stay empty.',
    kpi_district: 'District',
    pp: (v) => `${v} pp`,
    kpi_district_then: 'District (when proposed)',
    district_line: (b, p, a, n) => `staffed ${b} + this ${p} = ${a} of ${n}`,
    district_rate: (fb, fa) => `fill rate ${fb} → ${fa}`,
    kpi_filled: 'This fills', kpi_fill: 'Its fill rate', kpi_pw: 'Priority-weighted', kpi_fit: 'Mean skill fit',
    kpi_km: 'Mean travel', kpi_used: 'Cadres used', kpi_total: 'Slots', kpi_maxkm: 'Max travel',
    kpi_avail: 'Cadres available', kpi_obj: 'Objective', kpi_solver: 'Solver',
    certified: 'certified optimal', filter: 'Filter (id, title, community, name)', state: 'State',
    all_states: 'all', demand: 'Demand', cadre: 'Cadre', score: 'Score', select: 'Select',
    select_row: (d, c) => `Select ${d} → ${c}`, explain: 'Explain',
    explain_h: 'Explanation', explain_hint: 'Click a row to see its score breakdown and alternates.',
    km: 'km', fit: 'skill fit',
    term: { fill: 'fill', skill: 'skill', travel: 'travel', status: 'status', reliability: 'reliability', hours_behind: 'hours behind', recent_load: 'recent load', idle_bonus: 'idle bonus', home_first: 'home first', load: 'load in this plan' },
    alts: 'Ranked alternates (by loss in total score)', no_alts: 'No feasible alternate.', loss: 'loss',
    accept_sel: 'Accept selected', accept_all: 'Accept all', reject_sel: 'Reject selected',
    reason: 'Reason for rejecting', rej_unavail: 'the cadre is unavailable', rej_until: 'Unavailable until (optional)',
    accepted_n: (n) => `Accepted ${n}; dispatches created`,
    rejected_n: (n) => `Rejected ${n}; a new proposal offers the alternates`,
    rejected_away: (c) => `${c} marked unavailable; their pending pairs are rejected`,
    proposal_replaced: (id) => `Proposal #${id} replaced it; choose again`,
    none_selected: 'Tick pending assignments first.', nothing_pending: 'Nothing is pending.', alternate: (c) => `alternate (${c} declined)`,
    unfilled_h: (n) => `Unfilled demands (${n})`, slots: 'slots', qualified: 'qualified cadres',
    fix: 'smallest fix', sort_by: (c) => `Sort by ${c}`,
    declines_h: (n) => `Declines (${n})`, no_declines: 'No declines.', time: 'Time', by: 'By',
    token_n: (id) => `token #${id}`,
    di_h: 'Dispatches', note: 'Note (optional)', note_col: 'Note', skill: 'Skill', complete: 'Complete', cancel: 'Cancel', no_show: 'No-show',
    created: 'Created', closed: 'Closed', no_dispatches: 'No dispatches.',
    di_more: (n, total) => `Showing the newest ${n} of ${total}`,
    di_saving: (id) => `Saving dispatch #${id}…`, completed_n: (id) => `Dispatch #${id} completed`, cancelled_n: (id) => `Dispatch #${id} cancelled`, no_show_n: (id) => `Dispatch #${id} marked no-show`,
    confirm_cancel: (id, d, c) => `Cancel dispatch #${id} (${d} → ${c})? The cadre's capacity is freed.`,
    confirm_yes_cancel: 'Cancel the dispatch', confirm_back: 'Back', confirm_ok: 'OK',
    dm_h: 'Demands', dm_add: 'Add a demand', dm_search: 'Search (id, title, community)', stage: 'Stage',
    dm_done: 'Done', dm_cancel: 'Cancel', dm_reopen: 'Reopen', headcount: 'Headcount',
    recurring: 'Recurring (completed dispatches free their slot)', recurring_tag: 'recurring',
    needs: 'Skills needed', level: 'Level', required: 'required', add_need: 'Add skill', remove: 'Remove',
    dm_item: 'Start from a catalogue item', dm_item_none: '(none: fill in every field)', required_at: (n) => `required (at least level ${n})`,
    certs: 'Certificates required', save: 'Save demand', cancel_form: 'Close',
    no_needs: 'No skills added yet.', dm_added: (id) => `Demand ${id} added`, dm_dated: 'Dated order (optional)', dm_start: 'Start', dm_end: 'End', dm_hours: 'Service hours',
    dm_dated_hint: 'The district\'s local time, written yyyy-mm-dd HH:MM (like 2026-12-08 18:00, or 2026/12/08 18:00); a start needs an end or the hours; all blank: ongoing work.', dt_ph: 'yyyy-mm-dd HH:MM',
    bad_dt: (v) => `"${v}" is not a time: write it as yyyy-mm-dd HH:MM (like 2026-12-08 18:00)`, bad_hours_dm: (v, max) => `"${v}" is not a number of hours: more than 0, at most ${max}`,
    dm_end_no_start: 'An end needs a start', dm_end_before: 'The end must come after the start', dm_start_alone: 'A start needs an end or the service hours',
    dm_id_empty: 'Fill in the id', dm_id_long: (max) => `The id is at most ${max} characters`, dm_id_chars: 'The id takes letters, digits, ., - and _ only, starting with a letter or digit',
    dm_title_empty: 'Fill in the title (or start from a catalogue item)', dm_head_range: (lo, hi) => `The headcount must be a whole number from ${lo} to ${hi}`,
    dm_closed: (id, o) => `Demand ${id} ${o === 'cancelled' ? 'cancelled' : 'done'}`, dm_reopened: (id) => `Demand ${id} reopened`,
    confirm_dm_cancel: (id, n) => `Cancel demand ${id}? It is no longer proposed.${n ? ` Its ${n} active dispatch(es) are cancelled with it.` : ''}`, confirm_yes_dm: 'Cancel the demand',
    confirm_dm_done: (id, n) => `Close demand ${id} as done? It is no longer proposed.${n ? ` Its ${n} active dispatch(es) are completed with it.` : ''}`, confirm_yes_done: 'Close as done',
    dm_more: 'Showing the first 200 only; search to narrow down.',
    cd_h: 'Cadres', cd_search: 'Search (id, name, community)', availability: 'Availability',
    available: 'available', unavail: (d) => (d ? `unavailable until ${d}` : 'unavailable (no end date)'),
    history: 'History', withdraw: 'Withdraw from pool', mark_unavail: 'Mark unavailable', restore: 'Make available',
    until: 'Until (optional)', reason_opt: 'Reason (optional)', cd_all: 'all', cd_unavail: 'unavailable',
    history_h: (c) => `Dispatch history of ${c}`, history_none: 'No dispatches yet.', cd_declines: 'Declined proposals',
    confirm_withdraw: (c) => `Withdraw ${c} from the pool? Their record leaves the list.`, confirm_yes_withdraw: 'Withdraw',
    withdrawn: (c) => `${c} withdrawn from the pool`, marked_unavail: (c) => `${c} marked unavailable`, restored: (c) => `${c} is available again`,
    close_panel: 'Close',
    outcome: 'Outcome', hours: 'Service hours', hours_unit: (h) => `${h} h`, rating: 'Community rating (optional)', no_rating: 'not rated',
    rating_n: (r) => `rated ${r}`, exempt: 'Exemption (容错: a non-principled mistake while trying something new; recorded, never counted against)', exempt_tag: 'exempt',
    exempt_reason: 'Reason for the exemption', cancel_reason: 'Reason for cancelling', pick_reason: 'Choose a reason', withdrew_closes: ' (closes the demand too)', withdrew_warn: (d) => `Community withdrew: demand ${d} is closed too, and its other active dispatches are cancelled.`,
    reasons: { cadre_unavailable: 'cadre unavailable', no_show: 'no-show', community_withdrew: 'community withdrew', duplicate: 'duplicate', other: 'other' },
    complete_h: (id, d, c) => `Complete dispatch #${id} (${d} → ${c})`, complete_ok: 'Complete',
    cancel_h: (id, d, c) => `Cancel dispatch #${id} (${d} → ${c})`,
    hours_hint: (m) => `above 0, at most ${m} h`,
    record: 'Record', record_h: (c) => `Growth record of ${c}`, as_of: (d) => `as of ${d}`,
    r_hours_year: 'Service hours this year', r_hours_of: (h, target) => `${h} of ${target} h due by now`,
    r_target_year: (y) => `yearly target ${y} h`, r_behind: (b) => `${b} h behind`, r_on_track: 'on track',
    r_hours_recent: (d) => `Hours, last ${d} days`, r_hours_total: 'Hours in all',
    r_rating: 'Rating (recency-weighted)', r_rating_v: (r, n) => `${r} (${n} ratings)`, r_rating_raw: (r) => `unshrunk ${r}`,
    r_no_rating: 'no ratings yet', r_completed: 'Completed', r_exempted: 'Exempted', r_no_shows: 'No-shows',
    r_no_shows_v: (n, rn, d) => `${n} (${rn} in the last ${d} days)`, r_cancelled: 'Cancelled, by reason',
    r_training: 'Training', r_training_v: (h, n) => `${h} h, ${n} course(s)`, r_certs: 'Certifications',
    r_communities: 'Communities served', r_months: 'In the pool', r_months_v: (m, j) => `${m} months (since ${j})`,
    r_status: 'Status', r_trainings_h: 'Trainings', hours_col: 'Hours', course: 'Course', day: 'Day', cert: 'Certification',
    points_h: 'Service points', balance: (b) => `balance ${b}`, amount: 'Points', pts_kind_col: 'Kind', pts_kind: { earned: 'earned', redeemed: 'redeemed' },
    pts_dispatch: (id) => `dispatch #${id}`, no_points: 'No points yet.', none_yet: 'none',
    r_warnings: 'Pending warnings',
    tab_warnings: 'Warnings', wa_h: 'Three-colour warnings', wa_evaluate: 'Evaluate now', wa_rule: 'Rule', wa_change: 'Suggested',
    wa_reasons: 'Reasons', wa_state: { pending: 'pending', confirmed: 'confirmed', dismissed: 'dismissed' },
    wa_confirm: 'Confirm', wa_dismiss: 'Dismiss', wa_note: 'Note (optional)', wa_none: 'No warnings.',
    wa_evaluated: (n) => (n ? `Evaluated: ${n} new suggestion(s)` : 'Evaluated: nothing new'),
    wa_confirmed: (id, c, s) => `Warning #${id} confirmed: ${c} is now ${s}`, wa_dismissed: (id) => `Warning #${id} dismissed`,
    wa_decided: 'Decided', wa_now: 'Now',
    wa_red_active: (c, n) => `${c} still holds ${n} active dispatch(es). Confirming red cancels them.`, wa_red_yes: 'Confirm and cancel them',
    wi_h: 'What-if (planners)', wi_na: 'What-if is not available on this server.',
    wi_role: 'What-if needs the planner or admin role.', wi_run: 'Run scenario', wi_file: 'Scenario file (TOML)',
    wi_explain: 'Compute the smallest fix for empty slots (slower)', wi_fix_h: 'Smallest fix per empty slot',
    wi_done: (n) => `Scenario done: ${n}`, wi_knobs: 'the form\'s edits',
    wi_job_queued: 'The scenario is queued, waiting to be computed…',
    wi_job_running: (w) => `Running the scenario in the background${w ? ` (${w})` : ''}…`,
    wi_job_running_pct: (w, p) => `Running the scenario in the background${w ? ` (${w})` : ''}: ${p} done`,
    wi_job_cancelled: 'The scenario was stopped: no result', wi_job_failed: 'The scenario failed: no result',
    wi_toml: (f, n, c, x, how) => `Cannot read the scenario file ${f}: line ${n}, column ${c}, "${x}": ${{
      header: 'a table header is [name] or [[name]], like [[edits]]', line: 'each line is name = value, like factor = 1.5',
      value: 'a value is "text", a number, true or false, or [ … ]' }[how]}`,
    wi_toml_utf8: (f) => `Cannot read the scenario file ${f}: it is not UTF-8; save it as UTF-8 and upload it again`,
    wi_toml_edits: (f) => `Cannot read the scenario file ${f}: its edits are [[edits]] tables, one per edit`,
    wi_scale: 'Demand scale', wi_remove: 'Remove cadres (ids, comma-separated)', wi_travel: 'Travel limit (km)',
    wi_filled: 'Filled', wi_fill: 'Fill rate', wi_running: 'Running the scenario…', baseline: 'baseline', scenario: 'scenario', delta: 'delta', churn: 'Churn',
    kept: 'kept', moved: 'moved', added: 'added', dropped: 'dropped', kpi: 'KPI',
    error: 'Error',
    kind: {},
    illegal: (cur) => `it is ${cur} now`,
    fields: {
      until: 'unavailable until', reason: 'reason', unavailable: 'the person unavailable', assignments: 'pair', pinned: 'pinned pair',
      cadre: 'cadre', demand: 'demand', edits: 'edit', ids: 'ids', id: 'id', from: 'from', to: 'to', policy: 'policy',
      name: 'name', street: 'street', lat: 'latitude', lon: 'longitude', home: 'home community', skills: 'skills', certs: 'certs', cert: 'cert',
      capacity: 'capacity', status: 'status', max_travel_km: 'travel limit (km)', available: 'weekly availability',
      away: 'away', hours_per_week: 'weekly hours cap', community: 'community', title: 'title', needs: 'skills needed',
      requires: 'skill levels needed', headcount: 'headcount', priority: 'priority', recurring: 'recurrence', item: 'service item',
      start: 'start', end: 'end', hours: 'hours', outcome: 'outcome', end_dispatches: 'end its dispatches', rating: 'rating',
      exempt: 'exempt', exempt_reason: 'exemption reason', note: 'note', amount: 'points', course: 'course', tags: 'tags', tag: 'tag',
      day: 'day', role: 'role', districts: 'districts', label: 'label', toml: 'file text', description: 'description',
      explain_unfilled: 'smallest fix for empty slots', category: 'category', factor: 'factor', km: 'km', kind: 'edit kind',
      limit: 'page size', offset: 'offset', actor: "actor's token number", action: 'action', csv: 'CSV text',
    },
    yes: 'yes', no: 'no',
  },
};

export const t = (k, ...args) => {
  const v = I18N[S.lang][k];
  return typeof v === 'function' ? v(...args) : v;
};
/** One word of a small vocabulary (`st`, `stages`, `pstatus`, `solver`, `kind`), or the raw value. */
export const word = (group, v) => I18N[S.lang][group]?.[v] ?? v;
export const st = (s) => word('st', s);
export const num = (v, d = 2) => Number(v).toLocaleString(S.lang === 'zh' ? 'zh-CN' : 'en',
  { maximumFractionDigits: d, minimumFractionDigits: 0 });
export const pct = (v) => `${num(v * 100, 1)}%`;
export const listSep = () => (S.lang === 'zh' ? '、' : ', ');
export const catName = (c) => (S.lang === 'zh' ? c.zh : c.en);

/** Index the taxonomy: tag slugs ("category.tag"), category slugs and cert slugs → names. */
export function indexTaxonomy(tax) {
  const m = new Map();
  for (const c of tax?.categories || []) {
    m.set(c.slug, c);
    for (const g of c.tags || []) m.set(g.slug, g); // tag slugs arrive whole: "category.tag"
  }
  for (const c of tax?.certs || []) m.set(c.slug, c);
  return m;
}
export const tagName = (slug) => { const g = S.tags.get(slug); return g ? catName(g) : slug; };

// ------------------------------------------------------------------ coded messages
// The server's catalogue (GET /v1/messages?lang=…) and its rendering rules, as in
// docs/api.md "Messages" and matcher.messages.render: templates with {name}, {name:spec},
// {name?one|other} and optional [ … ] parts; params looked up by their kind.

/** Read the catalogue of a language once; a server without the route leaves English text. */
export async function loadMessages(lang = S.lang) {
  if (S.messages[lang]) return;
  try {
    S.messages[lang] = (await hasRoute('/v1/messages')) ? await api(`/v1/messages?lang=${lang}`) : {};
  } catch {
    S.messages[lang] = {};
  }
}

const cat = () => S.messages[S.lang] || {};
const sep = (k) => cat().separators?.[k] ?? (k === 'list' ? listSep() : S.lang === 'zh' ? '；' : '; ');

function template(code) {
  const m = cat().messages;
  if (!m || !code) return undefined;
  for (let c = code; ; c = c.slice(0, c.lastIndexOf('.'))) {
    if (m[c] !== undefined) return m[c];
    if (!c.includes('.')) return undefined;
  }
}

const present = (v) => v !== undefined && v !== null && v !== 0 && v !== '' && !(Array.isArray(v) && !v.length);

function number(v, spec) {
  if (!spec) return String(v);
  if (spec === 'g') return String(Number(v.toPrecision(6)));
  const m = /^(\+?)\.(\d+)([f%])$/.exec(spec);
  if (!m) return String(v);
  const s = m[3] === '%' ? `${(100 * v).toFixed(Number(m[2]))}%` : v.toFixed(Number(m[2]));
  return m[1] && v >= 0 ? `+${s}` : s;
}

function item(name, v) {
  const kind = cat().params?.[name];
  if (!kind) return v;
  if (kind === 'taxonomy') return tagName(v);
  if (kind === 'community') return S.commById.get(v)?.name ?? v;
  if (kind === 'requirement') { const i = v.lastIndexOf(':'); return `${tagName(v.slice(0, i))} ≥ ${v.slice(i + 1)}`; }
  if (kind === 'edit') { const i = v.indexOf(':'); return render('item.edit', { n: v.slice(0, i), edit_kind: v.slice(i + 1) }); }
  if (kind.endsWith('.')) return cat().messages?.[kind + v] ?? v;
  return v;
}

function value(name, v, spec) {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => item(name, String(x))).join(sep('list'));
  if (typeof v === 'number') return number(v, spec);
  return item(name, String(v));
}

const FIELD = /\{(\w+)(?:\?([^|{}]*)\|([^{}]*)|:([^{}]*))?\}/g;

function render(code, params = {}) {
  const tpl = template(code);
  if (tpl === undefined) return undefined;
  const p = params || {};
  return tpl
    .replace(/\[([^[\]]*)\]/g, (_, inner) => ([...inner.matchAll(FIELD)].every((m) => present(p[m[1]])) ? inner : ''))
    .replace(FIELD, (_, name, one, other, spec) => (one !== undefined ? (p[name] === 1 ? one : other) : value(name, p[name], spec)));
}

/** One coded message in the current language; without a catalogue, the fallback (English) text. */
export function msg(code, params, fallback) {
  return render(code, params) ?? fallback ?? code ?? '';
}

/** The reasons of an unfilled demand: `why` in the current language, else English `reasons`. */
export function reasons(item) {
  const en = item.reasons || [];
  if (Array.isArray(item.why) && item.why.length) return item.why.map((w, i) => msg(w.code, w.params, en[i]));
  return en;
}

/** A fix option ({text, why: {code, params}}) or a churn row ({reason, why: [...]}) in words. */
export function say(x) {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  const en = x.text ?? x.reason ?? x.detail ?? x.message;
  if (Array.isArray(x.why)) {
    const parts = x.why.map((w) => render(w.code, w.params));
    return parts.every((s) => s !== undefined) ? parts.join(sep('clause')) : en ?? '';
  }
  if (x.why?.code) return msg(x.why.code, x.why.params, en);
  if (x.code) return msg(x.code, x.params, en);
  return en ?? '';
}

/** One entry of a 409's `changes`: `change.<kind>` with the other keys as params. */
function change(c) {
  if (typeof c === 'string') return c;
  const { kind, ...params } = c;
  const coded = kind ? render(`change.${kind}`, params) : undefined;
  if (coded !== undefined) return coded;
  const what = [c.demand, c.cadre, c.dispatch ? `#${c.dispatch}` : null].filter(Boolean).join(' → ');
  const k = kind ?? c.message;
  const how = k === 'illegal_transition' ? t('illegal', st(c.current)) : k ? I18N[S.lang].kind[k] ?? k.replace(/_/g, ' ') : '';
  return [what, how].filter(Boolean).join(' ');
}

/** Where a 422 points (a JSON pointer, RFC 6901: "/body/edits/0/ids") in the page's
 *  words: the request's part (body, query, path) left out, each known field by its label
 *  (`fields`), a list's index counted from 1 after it ("推演调整 1 · 编号"); an unknown
 *  field stays as it is, so nothing is lost. */
export function fieldPlace(pointer) {
  const segs = String(pointer ?? '').split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (['body', 'query', 'path', 'header'].includes(segs[0])) segs.shift();
  const names = I18N[S.lang].fields;
  const out = [];
  for (const s of segs) {
    if (/^\d+$/.test(s) && out.length) out[out.length - 1] += ` ${Number(s) + 1}`;
    else out.push(names[s] ?? s);
  }
  return out.join(' · ');
}

/** One 422 `errors[]` item: where, what, and the hint. A hint the server sent without a
 *  code is English: said on an English page only. */
function fieldError(e) {
  const where = e.pointer !== undefined && e.pointer !== null ? fieldPlace(e.pointer)
    : [e.file, e.row, e.column].filter((x) => x !== undefined && x !== null).join(':');
  const what = msg(e.code, e.params, e.message);
  const hint = e.hint_code ? msg(e.hint_code, e.hint_params, e.hint) : S.lang === 'en' ? e.hint : '';
  const said = [what, hint].filter(Boolean).join(' ');
  return where ? `${where}${S.lang === 'zh' ? '：' : ': '}${said}` : said;
}

/** The text of a failed call for people: coded detail when there is one, never raw JSON. */
export function problemText(err) {
  const p = err.problem || {};
  const head = p.code ? msg(p.code, p.params, err.message) : err.message;
  const parts = [`${t('error')}${err.status ? `（${err.status}）` : ''}：${head}`];
  if (S.lang === 'en') parts[0] = `${t('error')}${err.status ? ` (${err.status})` : ''}: ${head}`;
  for (const c of p.changes || []) parts.push(change(c));
  for (const e of p.errors || []) parts.push(fieldError(e));
  // each pair of a 409 may carry the same change ("proposal 9 was superseded"): said once
  return [...new Set(parts)].join(' · ');
}
