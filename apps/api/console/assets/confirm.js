// A confirmation in the page's <dialog>: modal, focus kept inside, Escape cancels.

/**
 * Asks before an action. `reason`: also asks for a reason (required). Answers false when cancelled,
 * else true, or the reason given.
 */
export function confirmAction({ title, text, action, reason = false }) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = action;
  const extra = document.getElementById('confirm-extra');
  extra.replaceChildren();
  let reasonInput;
  if (reason) {
    reasonInput = document.createElement('textarea');
    reasonInput.id = 'confirm-reason';
    reasonInput.required = true;
    reasonInput.rows = 3;
    reasonInput.cols = 40;
    reasonInput.maxLength = 500;
    const label = document.createElement('label');
    label.htmlFor = reasonInput.id;
    label.textContent = 'Reason (kept with the decision)';
    extra.append(label, reasonInput);
  }
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'ok' ? (reasonInput ? reasonInput.value.trim() : true) : false),
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    (reasonInput ?? document.getElementById('confirm-cancel')).focus();
  });
}
