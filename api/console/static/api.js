// The console's only door to the server: the public /v1 API with the pasted bearer token.

import { S } from './core.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** A fresh Idempotency-Key per write, so that a double click never writes twice. */
export function idemKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A call to the API: the answer's JSON (a problem is thrown as an ApiError). With `full`,
 *  `{status, data}`, for a write that may answer 202 with a job instead of its result. */
export async function api(path, { method = 'GET', body, idem, full = false } = {}) {
  const headers = { Authorization: `Bearer ${S.token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idem) headers['Idempotency-Key'] = idem;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (!r.ok) throw new ApiError(r.status, data);
  return full ? { status: r.status, data } : data;
}

/** A write: POST/PUT/DELETE with a fresh Idempotency-Key. */
export const write = (path, method = 'POST', body, { full = false } = {}) =>
  api(path, { method, body, idem: idemKey(), full });

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
/** A job's statuses while it has not ended. */
export const LIVE = ['queued', 'running'];

/** How long to wait before the ``n``-th read of a job (from 0): 400 ms, half as long again
 *  each read, at most 3 s, so a job of minutes is not read every 400 ms while it runs. */
const pollDelay = (n) => Math.min(3000, Math.round(400 * 1.5 ** n));

/** Where a job of ``district`` is read (its Location). */
export const jobUrl = (district, id) => `/v1/districts/${encodeURIComponent(district)}/jobs/${encodeURIComponent(id)}`;

/** Read a job (202: docs/api.md "Jobs") of ``district`` until it ends, each read later than
 *  the last (:func:`pollDelay`), telling ``seen`` each read: answers the job as it ended
 *  (done with its proposal's URL or its result, failed, cancelled). Once ``stale()`` it
 *  stops quietly (null). A read that fails is thrown (404: the job expired). Proposals'
 *  and what-ifs' jobs are followed alike. */
export async function pollJob(job, district, stale, seen = () => {}) {
  for (let n = 0; LIVE.includes(job.status); n += 1) {
    await sleep(pollDelay(n));
    if (stale()) return null;
    job = await api(jobUrl(district, job.id));
    if (stale()) return null;
    seen(job);
  }
  return job;
}

/** A failed job's problem as the error to throw: the banner says ``lead``, then why. */
export function jobFailure(job, lead) {
  const err = new ApiError(job.error?.status || 500, job.error || {});
  err.lead = lead;
  return err;
}

/** The server's OpenAPI document, read once: which optional routes this server has. */
let SPEC;
export async function hasRoute(path, method = 'get') {
  if (SPEC === undefined) {
    const r = await fetch('/openapi.json');
    SPEC = r.ok ? await r.json() : {};
  }
  const shape = (p) => p.replace(/\{[^}]*\}/g, '{}'); // a path parameter's name does not matter
  const found = SPEC.paths?.[path] ?? Object.entries(SPEC.paths || {}).find(([p]) => shape(p) === shape(path))?.[1];
  return Boolean(found?.[method]);
}

/** A district's API path: the shown district's unless another is named (a reload started
 *  in one district must not read pages of the next one). */
export const dpath = (p, d = S.district) => `/v1/districts/${encodeURIComponent(d)}${p}`;

export async function listAll(path, d = S.district) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api(`${dpath(path, d)}${sep}limit=1000&offset=${offset}`);
    out.push(...page.data);
    if (out.length >= page.count || page.data.length === 0) return out;
  }
}

let reloading = null; // the reload under way, if any (poolSettled)
let reloads = 0; // reloads started: only the newest may write what it read
/** Reload demands and cadres after a write changed their counts. Its answers are kept only
 *  while its district is still shown and no newer reload was started: one left running in
 *  the background (after a dispatch ended) must not write one district's pool into
 *  another's view, nor older counts over newer. */
export function reloadPool() {
  const d = S.district;
  const mine = ++reloads;
  const p = (async () => {
    const [demands, cadres, supply] = await Promise.all([listAll('/demands', d), listAll('/cadres', d), loadSupply(d)]);
    if (S.district !== d || mine !== reloads) return;
    S.demands = demands; S.demById = new Map(demands.map((d) => [d.id, d]));
    S.cadres = cadres; S.cadById = new Map(cadres.map((c) => [c.id, c]));
    S.supply = supply;
  })();
  reloading = p;
  p.then(() => {}, () => {}).then(() => { if (reloading === p) reloading = null; });
  return p;
}
/** The pool's reload still under way (the dispatches view starts one in the background
 *  after a write), settled and never failing (its failure is said where it was started):
 *  a view about to be drawn from the pool waits for it rather than draw the old counts. */
export const poolSettled = () => (reloading ? reloading.then(() => {}, () => {}) : Promise.resolve());

/** Supply against demand per community, computed by the server (GET …/summary?by=community):
 *  open slots, qualified free supply within reach (the hard rules), balance. */
export async function loadSupply(d = S.district) {
  const s = await api(dpath('/summary?by=community', d));
  return new Map(s.cells.map((c) => [c.community, c]));
}

export async function reloadDeclines() {
  S.declines = (await api(dpath('/declines'))).data;
}
