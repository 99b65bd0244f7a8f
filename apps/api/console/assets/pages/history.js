// A patient's full event trail (GET /patients/{id}/history): who, when (recorded and occurred),
// why (correlation id, command), corrections linked both ways, and each stream's hash-chain
// status as this server knows it (GET /admin/integrity), docs/audit.md. Admins do not list
// patients by name (that is the care team's caseload): they come here with a patient id, from
// the access log or a request.
import { field, fill, h, instant, notice, number } from '../dom.js';
import { api } from '../session.js';

const PAGE_SIZE = 25;

export function historyPage(main, params) {
  const patientId = params.get('patient') ?? '';
  const includePersonal = params.get('personalData') === 'include';
  const input = h('input', {
    name: 'patient',
    required: true,
    size: 40,
    value: patientId,
    pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}',
    autocomplete: 'off',
  });
  const personal = h('input', {
    type: 'checkbox',
    name: 'personalData',
    id: 'history-personal',
    checked: includePersonal,
  });
  main.append(
    h(
      'form',
      {
        className: 'filters',
        onsubmit: (event) => {
          event.preventDefault();
          const query = new URLSearchParams({ patient: input.value.trim() });
          if (personal.checked) query.set('personalData', 'include');
          location.hash = `#/history?${query}`;
        },
      },
      field('Patient id', input, 'From the access log, or the id a clinician gives you.'),
      h(
        'div',
        { className: 'field' },
        personal,
        ' ',
        h('label', { for: 'history-personal', className: 'inline' }, 'Show personal data (the access record says so)'),
      ),
      h('button', { type: 'submit', className: 'primary' }, 'Show history'),
    ),
  );
  const body = h('div', { id: 'history' });
  main.append(body);
  if (patientId) void show(body, patientId, includePersonal, params.get('event'));
}

async function show(body, patientId, includePersonal, focusEventId) {
  fill(body, h('p', {}, 'Loading…'));
  let history;
  let integrity;
  try {
    [history, integrity] = await Promise.all([
      api(`/patients/${encodeURIComponent(patientId)}/history${includePersonal ? '?personalData=include' : ''}`),
      api('/admin/integrity'),
    ]);
  } catch (error) {
    fill(
      body,
      notice(
        error.status === 404
          ? `No events are recorded for the patient ${patientId}.`
          : `The history could not be read: ${error.message}`,
        'error',
      ),
    );
    return;
  }
  const events = history.events;
  const byId = new Map(events.map((event, index) => [event.eventId, index]));
  const pageOf = (eventId) => Math.floor((byId.get(eventId) ?? 0) / PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(events.length / PAGE_SIZE));
  const tableArea = h('div');
  const pager = h('div', { className: 'actions' });
  const where = h('p', { role: 'status', id: 'history-page-status' });

  function showPage(page, highlight) {
    const shown = events.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    fill(
      where,
      `Events ${page * PAGE_SIZE + 1} to ${page * PAGE_SIZE + shown.length} of ${events.length} (page ${page + 1} of ${pages}).`,
    );
    fill(tableArea, eventsTable(shown, highlight, jump));
    fill(
      pager,
      h('button', { type: 'button', disabled: page === 0, onclick: () => showPage(page - 1) }, 'Previous page'),
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => showPage(page + 1) }, 'Next page'),
    );
    if (highlight) document.getElementById(`event-${highlight}`)?.focus();
  }

  /** Follows a correction link to the other event, on whichever page it is. */
  function jump(eventId) {
    const query = new URLSearchParams({ patient: patientId, event: eventId });
    if (includePersonal) query.set('personalData', 'include');
    history_.replaceState(null, '', `#/history?${query}`);
    showPage(pageOf(eventId), eventId);
  }

  fill(
    body,
    h('h2', {}, `Patient ${patientId}`),
    h('p', {}, `${number(events.length)} events; personal data ${history.personalData}.`),
    chainStatus(events, integrity),
    h('h2', {}, 'Events in the global order'),
    where,
    tableArea,
    pager,
  );
  showPage(focusEventId && byId.has(focusEventId) ? pageOf(focusEventId) : 0, focusEventId);
}

const history_ = window.history;

/** Each stream of the patient: broken (a break this server found), verified through, or not yet swept. */
function chainStatus(events, integrity) {
  const streams = new Map();
  for (const event of events)
    streams.set(event.streamId, { last: event.position, count: (streams.get(event.streamId)?.count ?? 0) + 1 });
  const swept = integrity.passes > 0 ? Infinity : integrity.checkpoint;
  return h(
    'table',
    { id: 'history-chains' },
    h(
      'caption',
      {},
      `Hash chains (the server's verifier: ${integrity.state}${integrity.reason ? `, ${integrity.reason}` : ''})`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Stream', 'Events', 'Chain'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      [...streams].map(([streamId, { last, count }]) => {
        const broken = integrity.breaks.find((b) => b.streamId === streamId);
        const status = broken
          ? h('span', { className: 'bad' }, `broken at version ${broken.streamVersion ?? '?'} (${broken.reason})`)
          : last <= swept
            ? h('span', { className: 'ok' }, 'intact: verified, no break found')
            : h(
                'span',
                { className: 'warn' },
                `no break found; the background verifier is at position ${number(integrity.checkpoint)}`,
              );
        return h(
          'tr',
          {},
          h('td', { className: 'mono' }, streamId),
          h('td', { className: 'number' }, count),
          h('td', {}, status),
        );
      }),
    ),
  );
}

function eventsTable(events, highlight, jump) {
  const link = (target, text) =>
    h(
      'a',
      {
        href: '#',
        onclick: (event) => {
          event.preventDefault();
          jump(target.eventId);
        },
      },
      text,
    );
  return h(
    'table',
    { id: 'history-events' },
    h('caption', {}, 'Events'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Position', 'Event', 'Stream', 'Actor', 'Correlation id', 'Recorded', 'Occurred', 'Amendments', 'Data'].map(
          (t) => h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      events.map((e) =>
        h(
          'tr',
          {
            id: `event-${e.eventId}`,
            tabindex: -1,
            className: e.eventId === highlight ? 'highlight' : undefined,
            'data-type': e.type,
          },
          h('td', { className: 'number' }, e.position),
          h('td', {}, e.type, h('div', { className: 'muted mono' }, e.eventId)),
          h('td', { className: 'mono' }, `${e.streamId} v${e.streamVersion}`),
          h('td', {}, e.actor ? `${e.actor.userId} (${e.actor.role})` : '–'),
          h(
            'td',
            { className: 'mono' },
            e.correlationId ?? '–',
            e.command && h('div', { className: 'muted' }, e.command),
          ),
          h('td', {}, instant(e.recordedAt)),
          h('td', {}, instant(e.occurredAt)),
          h(
            'td',
            {},
            e.amends &&
              h(
                'div',
                {},
                `${e.amends.kind === 'correction' ? 'Corrects' : 'Marks in error'} `,
                link(e.amends, `${e.amends.type} at ${e.amends.position ?? '?'}`),
              ),
            e.amendedBy.map((a) =>
              h(
                'div',
                {},
                `${a.kind === 'correction' ? 'Corrected by' : 'Marked in error by'} `,
                link(a, `${a.type} at ${a.position}`),
              ),
            ),
            !e.amends && e.amendedBy.length === 0 && h('span', { className: 'muted' }, '–'),
          ),
          h(
            'td',
            {},
            h(
              'details',
              {},
              h('summary', {}, 'data'),
              h('pre', { className: 'data' }, JSON.stringify(e.data, null, 2)),
            ),
          ),
        ),
      ),
    ),
  );
}
