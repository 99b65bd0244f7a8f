// The access log (GET /audit) with its filters and keyset pages, its exports (CSV, NDJSON), and
// the tamper evidence of the hash chains (GET /admin/integrity/verify, /anchor), docs/audit.md.
import { field, fill, h, instant, notice, number } from '../dom.js';
import { api } from '../session.js';

const ACTIONS = ['create', 'read', 'query', 'export', 'erase', 'control'];
const OUTCOMES = ['allowed', 'denied'];

const select = (name, options) =>
  h(
    'select',
    { name },
    h('option', { value: '' }, 'any'),
    options.map((o) => h('option', { value: o }, o)),
  );

export function auditPage(main, params) {
  const inputs = {
    patient: h('input', {
      name: 'patient',
      size: 20,
      pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}',
      value: params.get('patient') ?? '',
    }),
    user: h('input', {
      name: 'user',
      size: 20,
      pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}',
      value: params.get('user') ?? '',
    }),
    action: select('action', ACTIONS),
    outcome: select('outcome', OUTCOMES),
    from: h('input', { name: 'from', type: 'datetime-local', step: 1 }),
    to: h('input', { name: 'to', type: 'datetime-local', step: 1 }),
    order: h(
      'select',
      { name: 'order' },
      h('option', { value: 'desc' }, 'newest first'),
      h('option', { value: 'asc' }, 'oldest first'),
    ),
    limit: h('input', { name: 'limit', type: 'number', min: 1, max: 1000, value: 50, size: 5 }),
  };
  const results = h('section', { 'aria-labelledby': 'records-heading', id: 'audit-results' });
  const exportStatus = h('div', { role: 'status' });
  const integrity = h('div', { id: 'integrity-result' });
  let cursors = []; // the cursor of each page shown so far (the first is none)

  const form = h(
    'form',
    { onsubmit: (event) => (event.preventDefault(), (cursors = [undefined]), void load()) },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Filters'),
      h(
        'div',
        { className: 'filters' },
        field('Patient id', inputs.patient),
        field('User id', inputs.user),
        field('Action', inputs.action),
        field('Outcome', inputs.outcome),
        field('From (inclusive)', inputs.from),
        field('To (exclusive)', inputs.to),
        field('Order', inputs.order),
        field('Page size', inputs.limit),
        h('button', { type: 'submit', className: 'primary' }, 'Show records'),
      ),
    ),
  );

  main.append(
    form,
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', onclick: () => download('csv') }, 'Export every match as CSV'),
      h('button', { type: 'button', onclick: () => download('ndjson') }, 'Export every match as NDJSON'),
    ),
    exportStatus,
    results,
    h(
      'section',
      { 'aria-labelledby': 'integrity-heading' },
      h('h2', { id: 'integrity-heading' }, 'Tamper evidence'),
      h(
        'p',
        {},
        'Walk every hash chain of the event log and the access log, or take an anchor (a digest of the log) to keep outside the database.',
      ),
      h(
        'div',
        { className: 'actions' },
        h('button', { type: 'button', onclick: verify }, 'Verify every hash chain'),
        h('button', { type: 'button', onclick: anchor }, 'Take an anchor'),
      ),
      integrity,
    ),
  );

  /** The filters as query parameters; datetime-local values are the admin's local time. */
  function filters() {
    const query = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      if (!value) continue;
      query.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
    }
    return query;
  }

  async function load() {
    const query = filters();
    const cursor = cursors.at(-1);
    if (cursor) query.set('cursor', cursor);
    fill(results, h('h2', { id: 'records-heading' }, 'Records'), h('p', {}, 'Loading…'));
    let page;
    try {
      page = await api(`/audit?${query}`);
    } catch (error) {
      fill(
        results,
        h('h2', { id: 'records-heading' }, 'Records'),
        notice(`The access log could not be read: ${error.message}`, 'error'),
      );
      return;
    }
    const pageNumber = cursors.length;
    fill(
      results,
      h('h2', { id: 'records-heading' }, 'Records'),
      h(
        'p',
        { role: 'status', id: 'audit-count' },
        `Page ${pageNumber}: ${page.items.length} record${page.items.length === 1 ? '' : 's'}${page.nextCursor ? ', more follow' : ''}.`,
      ),
      recordsTable(page.items),
      h(
        'div',
        { className: 'actions' },
        h(
          'button',
          { type: 'button', disabled: pageNumber <= 1, onclick: () => (cursors.pop(), void load()) },
          'Previous page',
        ),
        h(
          'button',
          { type: 'button', disabled: !page.nextCursor, onclick: () => (cursors.push(page.nextCursor), void load()) },
          'Next page',
        ),
      ),
    );
  }

  async function download(format) {
    const query = filters();
    query.set('format', format);
    fill(exportStatus, `Exporting ${format.toUpperCase()}…`);
    try {
      const response = await api(`/audit?${query}`, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', { href: url, download: `access-log.${format}` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      fill(exportStatus, `The ${format.toUpperCase()} export was downloaded (access-log.${format}).`);
    } catch (error) {
      fill(exportStatus, notice(`The export failed: ${error.message}`, 'error'));
    }
  }

  async function verify() {
    fill(integrity, 'Verifying…');
    try {
      const report = await api('/admin/integrity/verify');
      const breakText = (b) => (b ? JSON.stringify(b) : 'none');
      fill(
        integrity,
        h(
          'p',
          { role: 'status', className: report.ok ? 'ok' : 'bad' },
          report.ok ? 'Every hash chain verifies.' : 'A hash chain is broken.',
        ),
        h(
          'dl',
          { className: 'facts' },
          h('dt', {}, 'Events checked'),
          h('dd', {}, number(report.events.eventsChecked)),
          h('dt', {}, 'First break in the event log'),
          h('dd', { className: 'mono' }, breakText(report.events.firstBreak)),
          h('dt', {}, 'Access records checked'),
          h('dd', {}, number(report.accessLog.recordsChecked)),
          h('dt', {}, 'First break in the access log'),
          h('dd', { className: 'mono' }, breakText(report.accessLog.firstBreak)),
        ),
      );
    } catch (error) {
      fill(integrity, notice(`Verification failed: ${error.message}`, 'error'));
    }
  }

  async function anchor() {
    fill(integrity, 'Taking an anchor…');
    try {
      const taken = await api('/admin/integrity/anchor');
      fill(
        integrity,
        h(
          'p',
          { role: 'status' },
          'Keep this anchor outside the database (a ticket, a signed e-mail); recompute it later to compare.',
        ),
        h(
          'dl',
          { className: 'facts' },
          h('dt', {}, 'Up to position'),
          h('dd', {}, number(taken.position)),
          h('dt', {}, 'Events'),
          h('dd', {}, number(taken.events)),
          h('dt', {}, 'Digest'),
          h('dd', { className: 'mono' }, taken.digest),
        ),
      );
    } catch (error) {
      fill(integrity, notice(`The anchor could not be taken: ${error.message}`, 'error'));
    }
  }

  cursors = [undefined];
  void load();
}

function recordsTable(items) {
  if (items.length === 0) return h('p', {}, 'No record matches these filters.');
  return h(
    'table',
    { id: 'audit-records' },
    h('caption', {}, 'Access records'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          'Id',
          'Recorded',
          'User',
          'Patient',
          'Category',
          'Action',
          'Outcome',
          'Request',
          'Client',
          'Correlation id',
          'Detail',
        ].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((r) =>
        h(
          'tr',
          {},
          h('td', { className: 'number' }, r.id),
          h('td', {}, instant(r.recordedAt)),
          h('td', {}, r.userId ?? '–', r.role && h('div', { className: 'muted' }, r.role)),
          h(
            'td',
            {},
            r.patientId ? h('a', { href: `#/history?patient=${encodeURIComponent(r.patientId)}` }, r.patientId) : '–',
          ),
          h('td', {}, r.category),
          h('td', {}, r.action),
          h('td', { className: r.outcome === 'denied' ? 'bad' : undefined }, `${r.outcome} (${r.status})`),
          h('td', { className: 'mono' }, `${r.method} ${r.route}`),
          h('td', { className: 'mono' }, r.clientAddress ?? '–'),
          h('td', { className: 'mono' }, r.correlationId ?? '–'),
          h('td', { className: 'mono' }, r.detail && Object.keys(r.detail).length > 0 ? JSON.stringify(r.detail) : ''),
        ),
      ),
    ),
  );
}
