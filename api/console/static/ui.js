// The error banner, the guard around every action, the confirmation dialog, and the fields
// every form reads the same way (a date, a number of hours).

import { $, esc, setStatus } from './core.js';
import { ApiError } from './api.js';
import { problemText, t } from './i18n.js';

export function showError(err) {
  const box = $('#error');
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  box.textContent = err instanceof ApiError ? (err.lead ? `${err.lead} · ` : '') + problemText(err)
    : err instanceof BadInput ? err.message : `${t('error')}: ${err.message}`;
  box.hidden = false;
}

/** Run an action: a failed call shows its problem in the banner; a bug is also rethrown (logged). */
export async function guarded(fn) {
  showError(null);
  try { await fn(); } catch (err) {
    setStatus(''); showError(err);
    if (!(err instanceof ApiError || err instanceof BadInput)) throw err;
  }
}

/** What the person typed cannot be sent (a date that is none): said in the banner, not a bug. */
export class BadInput extends Error {}

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

/** A date field that reads year-month-day (2026-03-01) in every browser. Chromium draws its own
 *  date input in the browser's locale (mm/dd/yyyy under an English one), whatever the page's or
 *  the input's lang says, so this is a text input with the ISO pattern (a form will not submit
 *  another shape), read by `dateValue`, which checks that the day exists. */
export const dateInput = (id, value = '') => `<input id="${id}" type="text" inputmode="numeric"
  pattern="\\d{4}-\\d{1,2}-\\d{1,2}" maxlength="10" size="10" autocomplete="off"
  placeholder="${esc(t('date_ph'))}" title="${esc(t('date_ph'))}" value="${esc(value)}">`;

/** A date field's day: '' when empty, else the day as yyyy-mm-dd (2026-3-1 is 2026-03-01);
 *  a BadInput saying what to type otherwise (`guarded` shows it in the banner). */
export function dateValue(id) {
  const v = $(`#${id}`).value.trim();
  if (!v) return '';
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  const day = m && `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const ms = day ? Date.parse(`${day}T00:00:00Z`) : NaN; // 2026-02-31 parses as March 3
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) throw new BadInput(t('bad_date', v));
  return day;
}

// a number of hours as typed: digits, a decimal point, a sign (a negative one is then out of
// range); read from a text input, not type="number", whose value is '' for letters (and
// which keeps the 2 of 2h), so the form would send no hours, or other ones, and say nothing
const HOURS_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Hours as typed (trimmed, not empty), checked against `most`: the number (NaN when it is
 *  none: 2h, 三, 1e3, 0x10) and what is wrong with it — 'value' (not a number of hours),
 *  'zero', 'range' (below 0 or above `most`) or '' when fine. The demand form and the
 *  completion dialog share the rule; each says a fault with the codes its server answers. */
export function readHours(h, most) {
  const n = HOURS_TEXT.test(h) ? Number(h) : NaN;
  const fault = !Number.isFinite(n) ? 'value' : n === 0 ? 'zero' : n > 0 && n <= most ? '' : 'range';
  return { n, fault };
}
