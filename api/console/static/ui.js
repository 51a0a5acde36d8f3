// The error banner, the guard around every action, the confirmation dialog, and the fields
// every form reads the same way (a date, a number of hours).

import { $, esc, setStatus } from './core.js';
import { ApiError } from './api.js';
import { problemText, t } from './i18n.js';

/** The error the banner shows (null: none), kept as the problem it is, so that the other
 *  language says it again (`shownError`). */
let shown = null;

export function showError(err) {
  const box = $('#error');
  shown = err || null;
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  box.textContent = err instanceof ApiError ? (err.lead ? `${err.lead} · ` : '') + problemText(err)
    : err instanceof BadInput ? err.say() : `${t('error')}: ${err.message}`;
  box.hidden = false;
}

/** The error the banner shows now (null: none): a language switch shows it again. */
export const shownError = () => shown;

/** Run an action: a failed call shows its problem in the banner; a bug is also rethrown (logged). */
export async function guarded(fn) {
  showError(null);
  try { await fn(); } catch (err) {
    setStatus(''); showError(err);
    if (!(err instanceof ApiError || err instanceof BadInput)) throw err;
  }
}

/** What the person typed cannot be sent (a date that is none): said in the banner, not a bug.
 *  Made with a function of the page's language (or its text), so that the banner says it
 *  again in the other language. */
export class BadInput extends Error {
  constructor(say) {
    super(typeof say === 'function' ? say() : say);
    this.say = typeof say === 'function' ? say : () => this.message;
  }
}

/** Ask before an action that cannot be undone; resolves true only for the confirming button. */
export function confirmDialog(message, yes) {
  const d = $('#confirm');
  $('#confirm-msg').textContent = message;
  $('#confirm-yes').textContent = yes;
  $('#confirm-no').textContent = t('confirm_back');
  d.returnValue = '';
  d.showModal();
  $('#confirm-no').focus();
  return new Promise((resolve) => {
    d.addEventListener('close', () => resolve(d.returnValue === 'yes'), { once: true });
  });
}

/** Full-width digits, point, signs and slash (a Chinese input method's) as ASCII, as the
 *  case files' number cells are read (matcher/io/values.py). */
export const narrow = (v) => String(v ?? '').replace(/[\uFF0B\uFF0D\uFF0E\uFF0F\uFF10-\uFF19]/g,
  (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));

// a day as typed: 2026-12-8, 2026/12/08 (as Chinese offices write it; one separator, not
// 2026/12-08) or 2026年12月8日
const DAY_TEXT = /^(\d{4})(?:([-/])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})日?)$/;
/** The longest day `readDay` reads, with room around it (2026年12月20日 is 11). */
const DAY_MAX = 16;

/** A day as typed (2026-12-8, 2026/12/08, 2026年12月8日; full-width digits too): the day as
 *  yyyy-mm-dd, '' when blank, null when it is none (2026-02-31 is none). Every date field and
 *  the demand form's date-times read days with it. */
export function readDay(text) {
  const v = narrow(text).trim();
  if (!v) return '';
  const m = DAY_TEXT.exec(v);
  if (!m) return null;
  const day = `${m[1]}-${(m[3] ?? m[5]).padStart(2, '0')}-${(m[4] ?? m[6]).padStart(2, '0')}`;
  const ms = Date.parse(`${day}T00:00:00Z`); // 2026-02-31 parses as March 3
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : day;
}

/** A date field read by `dateValue` in every browser. Chromium draws its own date input in the
 *  browser's locale (mm/dd/yyyy under an English one), whatever the page's or the input's lang
 *  says, so this is a text input, with no pattern (the browser would refuse 2026/9/1 in its own
 *  words and send nothing): what is wrong is said beside it (`#<id>-err`) in the page's words. */
export const dateInput = (id, value = '') => `<input id="${id}" type="text" inputmode="numeric"
  maxlength="${DAY_MAX}" size="11" autocomplete="off" class="date" aria-describedby="${id}-err"
  placeholder="${esc(t('date_ph'))}" title="${esc(t('date_ph'))}" value="${esc(value)}"><span class="field-err" id="${id}-err" role="alert"></span>`;

/** Say what is wrong with field `id` beside it (`#<id>-err`; '' clears it). */
export function fieldError(id, text) {
  const box = $(`#${id}-err`);
  if (box) box.textContent = text;
  $(`#${id}`)?.setAttribute('aria-invalid', text ? 'true' : 'false');
}

/** A date field's day: '' when empty, else the day as yyyy-mm-dd (`readDay`); otherwise what to
 *  type is said beside the field and a BadInput thrown (`guarded` says it in the banner too). */
export function dateValue(id) {
  const el = $(`#${id}`);
  const v = el.value.trim();
  const day = readDay(v);
  fieldError(id, day === null ? t('bad_date', v) : '');
  if (day === null) { el.focus(); throw new BadInput(() => t('bad_date', v)); }
  return day;
}

// once said, a date field's error is checked again as it is typed: cleared once it is right
document.addEventListener('input', (e) => {
  const el = e.target;
  if (el.matches?.('input.date') && $(`#${el.id}-err`)?.textContent) {
    fieldError(el.id, readDay(el.value) === null ? t('bad_date', el.value.trim()) : '');
  }
});

// a number of hours as typed: digits, a decimal point, a sign (a negative one is then out of
// range); read from a text input, not type="number", whose value is '' for letters (and
// which keeps the 2 of 2h), so the form would send no hours, or other ones, and say nothing
const HOURS_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Hours as typed (trimmed, not empty), checked against `most`: the number (NaN when it is
 *  none: 2h, 三, 1e3, 0x10) and what is wrong with it — 'value' (not a number of hours),
 *  'zero', 'range' (below 0 or above `most`) or '' when fine; full-width digits and point
 *  (２, ３．５) read as a case file's number cells are. The demand form and the
 *  completion dialog share the rule; each says a fault with the codes its server answers. */
export function readHours(h, most) {
  const v = narrow(h); // ２.５ and ３．５ are 2.5 and 3.5, as in a case file
  const n = HOURS_TEXT.test(v) ? Number(v) : NaN;
  const fault = !Number.isFinite(n) ? 'value' : n === 0 ? 'zero' : n > 0 && n <= most ? '' : 'range';
  return { n, fault };
}
