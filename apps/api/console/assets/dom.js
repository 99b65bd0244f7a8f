// Small helpers to build the page. Text always goes in as text (never as HTML), so nothing the
// API answers can run in the page.

/** An element with attributes (`on*` functions become listeners) and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'className') element.className = value;
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A table with a caption, a header row and one row per item. `columns`: [heading, (item) => cell, {number}]. */
export function table(caption, columns, items) {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map(([heading, , options]) =>
          h('th', { scope: 'col', className: options?.number ? 'number' : undefined }, heading),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((item) =>
        h(
          'tr',
          {},
          columns.map(([, cell, options]) =>
            h('td', { className: options?.number ? 'number' : undefined }, cell(item)),
          ),
        ),
      ),
    ),
  );
}

const numbers = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export const number = (value) => (typeof value === 'number' && Number.isFinite(value) ? numbers.format(value) : '–');

/** An instant as the admin's local date and time, with the instant itself in a <time>. */
export function instant(value) {
  if (!value) return h('span', { className: 'muted' }, '–');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return h('time', { datetime: date.toISOString() }, date.toLocaleString('en-GB', { hour12: false }));
}

/** Seconds as "1 h 2 min", "3 min 4 s" or "5 s". */
export function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

/** A notice (role=status, or role=alert for errors) that screen readers announce. */
export function notice(text, kind = 'info') {
  return h(
    'p',
    { className: `notice ${kind === 'error' ? 'error' : ''}`, role: kind === 'error' ? 'alert' : 'status' },
    text,
  );
}

/** A labelled form field. */
export function field(labelText, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { className: 'field' },
    h('label', { for: id }, labelText),
    control,
    hint && h('div', { id: hintId, className: 'muted' }, hint),
  );
}
