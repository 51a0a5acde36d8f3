// The error banner, the guard around every action, and the confirmation dialog.

import { $, setStatus } from './core.js';
import { ApiError } from './api.js';
import { problemText, t } from './i18n.js';

export function showError(err) {
  const box = $('#error');
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  box.textContent = err instanceof ApiError ? problemText(err) : `${t('error')}: ${err.message}`;
  box.hidden = false;
}

/** Run an action: a failed call shows its problem in the banner; a bug is also rethrown (logged). */
export async function guarded(fn) {
  showError(null);
  try { await fn(); } catch (err) { setStatus(''); showError(err); if (!(err instanceof ApiError)) throw err; }
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
