// A cadre's growth record (成长档案) in the cadres view's panel: every figure as the server
// computed it from the history (GET …/cadres/{id}/record), the trainings with their days,
// the points ledger, and the cadre's pending warnings with their reasons.

import { S, esc, table } from './core.js';
import { api, dpath, hasRoute } from './api.js';
import { num, st, t, tagName, word } from './i18n.js';
import { cadreLabel, commName, tri } from './overview.js';
import { actor } from './proposal.js';
import { CANCEL_REASONS } from './dispatches.js';
import { change, reasonList, ruleName } from './warnings.js';

const cadrePath = (id, tail = '') => dpath(`/cadres/${encodeURIComponent(id)}${tail}`);

/** Read a cadre's record, trainings and points (the last two when this server has them). */
export async function loadRecord(id) {
  const [rec, trainings, points] = await Promise.all([
    api(cadrePath(id, '/record')),
    (await hasRoute('/v1/districts/{district}/cadres/{cadre}/trainings')) ? api(cadrePath(id, '/trainings')) : null,
    (await hasRoute('/v1/districts/{district}/cadres/{cadre}/points')) ? api(cadrePath(id, '/points')) : null,
  ]);
  S.record = { cadre: id, rec, trainings: trainings?.data ?? null, points };
}

const day = (v) => (v ? String(v).slice(0, 10) : '—');
/** A cert gained, whatever the pair's shape: ["slug", "day"] or {cert, day}. */
const certOf = (c) => (Array.isArray(c) ? { cert: c[0], day: c[1] } : { cert: c.cert ?? c.slug, day: c.day });
const row = (id, label, value) => `<div id="${id}"><dt>${esc(label)}</dt><dd>${value}</dd></div>`;

function figures(r) {
  const recent = r.recent_days ?? r.policy?.recent_days ?? 90;
  const yearly = r.yearly_hours ?? r.policy?.yearly_hours;
  const due = r.hours_target_to_date ?? 0;
  const cancelled = CANCEL_REASONS.map((k) => [k, r.cancelled?.[k] ?? 0]).filter(([, n]) => n);
  const certs = (r.certs || []).map(certOf);
  return `<dl class="kpis record">
    ${row('r-hours-year', t('r_hours_year'), `<meter min="0" max="${Math.max(1, due)}" value="${r.hours_year}"></meter>
      ${esc(t('r_hours_of', num(r.hours_year, 1), num(due, 1)))}
      <span class="sub">${esc(r.hours_behind > 0 ? t('r_behind', num(r.hours_behind, 1)) : t('r_on_track'))}${yearly ? ` · ${esc(t('r_target_year', num(yearly)))}` : ''}</span>`)}
    ${row('r-hours-recent', t('r_hours_recent', recent), esc(t('hours_unit', num(r.hours_recent, 1))))}
    ${row('r-hours-total', t('r_hours_total'), esc(t('hours_unit', num(r.hours_total, 1))))}
    ${row('r-rating', t('r_rating'), r.rating === null || r.rating === undefined ? esc(t('r_no_rating'))
      : `${esc(t('r_rating_v', num(r.rating), r.ratings))}<span class="sub"> · ${esc(t('r_rating_raw', num(r.rating_unshrunk)))}</span>`)}
    ${row('r-completed', t('r_completed'), esc(r.completed))}
    ${row('r-exempted', t('r_exempted'), esc(r.exempted))}
    ${row('r-no-shows', t('r_no_shows'), esc(t('r_no_shows_v', r.no_shows, r.no_shows_recent, recent)))}
    ${row('r-cancelled', t('r_cancelled'), cancelled.length ? esc(cancelled.map(([k, n]) => `${word('reasons', k)} ${n}`).join(S.lang === 'zh' ? '、' : ', ')) : esc(t('none_yet')))}
    ${row('r-training', t('r_training'), esc(t('r_training_v', num(r.training_hours, 1), (r.courses || []).length)))}
    ${row('r-certs', t('r_certs'), certs.length ? certs.map((c) => `${esc(tagName(c.cert))} <span class="sub">${esc(day(c.day))}</span>`).join('；') : esc(t('none_yet')))}
    ${row('r-communities', t('r_communities'), (r.communities || []).length ? esc(r.communities.map(commName).join(S.lang === 'zh' ? '、' : ', ')) : esc(t('none_yet')))}
    ${row('r-months', t('r_months'), esc(t('r_months_v', r.months_in_pool, day(r.joined))))}
  </dl>`;
}

function trainingsTable(list) {
  if (!list?.length) return '';
  return `<h4>${esc(t('r_trainings_h'))}</h4><div class="scroll">${table('r-trainings',
    [{ label: t('day') }, { label: t('course') }, { label: t('hours_col'), cls: 'n' }, { label: t('cert') }],
    list.map((x) => ({ cells: [esc(day(x.day)), esc(x.course), num(x.hours, 1), x.cert ? esc(tagName(x.cert)) : ''] })),
    { cls: 'stack' })}</div>`;
}

function ledger(points) {
  if (!points) return '';
  const entries = [...(points.data || [])].reverse(); // newest first
  const what = (e) => (e.dispatch ? t('pts_dispatch', e.dispatch) : e.reason ?? '');
  return `<h4>${esc(t('points_h'))} · <span id="r-balance">${esc(t('balance', points.balance))}</span></h4>
    ${entries.length ? `<div class="scroll">${table('r-points',
    [{ label: t('day') }, { label: t('pts_kind_col') }, { label: t('amount'), cls: 'n' }, { label: t('note_col') }, { label: t('by') }],
    entries.map((e) => ({ cells: [esc(day(e.day ?? e.created_at)), esc(word('pts_kind', e.kind)),
      `${e.amount > 0 ? '+' : ''}${esc(e.amount)}`, esc(what(e)), actor(e.by ?? e.created_by)] })), { cls: 'stack' })}</div>`
    : `<p class="hint">${esc(t('no_points'))}</p>`}`;
}

function pending(ws) {
  if (!ws?.length) return '';
  return `<h4>${esc(t('r_warnings'))}</h4><ul class="plain" id="r-warnings">${ws.map((w) =>
    `<li>${esc(ruleName(w.rule))} ${change(w)}${reasonList(w)}</li>`).join('')}</ul>`;
}

/** The record panel's body (its head and close button are the pool's). */
export function recordHtml() {
  const { rec: r, trainings, points } = S.record;
  const c = S.cadById.get(S.record.cadre);
  const status = c ? tri(c) : esc(st(r.status ?? ''));
  const balance = points ?? (r.points === undefined ? null : { balance: r.points?.balance ?? r.points, data: [] });
  return `<p id="r-status">${esc(t('r_status'))} ${status} · ${esc(t('as_of', day(r.as_of)))}</p>
    ${figures(r)}${pending(r.warnings)}${trainingsTable(trainings)}${ledger(balance)}`;
}

export const recordTitle = (id) => t('record_h', cadreLabel(id));
