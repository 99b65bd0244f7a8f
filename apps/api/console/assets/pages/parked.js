// Events a read model could not apply and set aside (docs/read-models.md, "Parked events"):
// each with its error, event and stream; retry one or all, or skip one with a reason.
import { confirmAction } from '../confirm.js';
import { field, fill, h, instant, notice, number } from '../dom.js';
import { api } from '../session.js';

export function parkedPage(main, params) {
  const chooser = h('select', { name: 'model', id: 'parked-model' });
  const status = h('div', { role: 'status', id: 'parked-status' });
  const list = h('section', { id: 'parked-list', 'aria-label': 'Parked events' });
  let pages = [0]; // the `after` of each page shown so far
  main.append(
    h(
      'p',
      {},
      'An event a read model could not apply is parked (set aside) so the model can go on; retry it once its cause is fixed, or skip it with a reason.',
    ),
    h(
      'form',
      { className: 'filters', onsubmit: (event) => (event.preventDefault(), (pages = [0]), void load()) },
      field('Read model', chooser),
      h('button', { type: 'submit' }, 'Show parked events'),
    ),
    status,
    list,
  );
  const modelPath = () => `/admin/projections/${encodeURIComponent(chooser.value)}/parked`;

  async function start() {
    let models;
    try {
      models = (await api('/admin/projections')).filter((s) => s.kind === 'read-model');
    } catch (error) {
      fill(status, notice(`The read models could not be read: ${error.message}`, 'error'));
      return;
    }
    const wanted = params.get('model') ?? models.find((m) => m.parkedCount > 0)?.name ?? models[0]?.name;
    fill(
      chooser,
      models.map((m) =>
        h('option', { value: m.name, selected: m.name === wanted }, `${m.name} (${number(m.parkedCount ?? 0)} parked)`),
      ),
    );
    await load();
  }

  async function load(after = 0) {
    fill(list, h('p', {}, 'Loading…'));
    let answer;
    try {
      answer = await api(`${modelPath()}?limit=50${after ? `&after=${after}` : ''}`);
    } catch (error) {
      fill(list, notice(`The parked events of ${chooser.value} could not be read: ${error.message}`, 'error'));
      return;
    }
    const { items, nextAfter } = answer;
    if (items.length === 0) return fill(list, h('p', { id: 'parked-empty' }, `${chooser.value} has no parked events.`));
    const waiting = items.filter((item) => item.state === 'parked').length;
    fill(
      list,
      waiting > 0 &&
        h(
          'div',
          { className: 'actions' },
          h(
            'button',
            { type: 'button', className: 'primary', onclick: retryAll },
            `Retry every parked event of ${chooser.value}`,
          ),
        ),
      h(
        'table',
        { id: 'parked-events' },
        h('caption', {}, `Parked and skipped events of ${chooser.value}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Position', 'Event', 'Stream', 'Error', 'Parked', 'State', 'Actions'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h('tbody', {}, items.map(row)),
      ),
      h(
        'div',
        { className: 'actions' },
        h(
          'button',
          { type: 'button', disabled: pages.length <= 1, onclick: () => (pages.pop(), void load(pages.at(-1))) },
          'Previous page',
        ),
        h(
          'button',
          {
            type: 'button',
            disabled: nextAfter === null,
            onclick: () => (pages.push(nextAfter), void load(nextAfter)),
          },
          'Next page',
        ),
      ),
    );
  }

  function row(item) {
    const type = item.type ?? 'event';
    return h(
      'tr',
      { 'data-event-id': item.eventId },
      h('td', { className: 'number' }, number(item.position)),
      h('td', {}, type, h('div', { className: 'muted mono' }, item.eventId)),
      h(
        'td',
        { className: 'mono' },
        item.streamId ?? '–',
        item.patientId &&
          h('div', {}, h('a', { href: `#/history?patient=${encodeURIComponent(item.patientId)}` }, 'patient history')),
      ),
      h('td', { className: 'bad' }, item.error),
      h(
        'td',
        {},
        instant(item.parkedAt),
        item.lastRetriedAt && h('div', { className: 'muted' }, 'retried ', instant(item.lastRetriedAt)),
        item.retryRequestedAt && h('div', { className: 'warn' }, 'retry queued ', instant(item.retryRequestedAt)),
      ),
      h(
        'td',
        {},
        item.state === 'skipped'
          ? h(
              'span',
              {},
              `skipped by ${item.skippedBy}: `,
              h('q', {}, item.reason),
              h('div', {}, instant(item.skippedAt)),
            )
          : 'parked',
      ),
      h(
        'td',
        {},
        item.state === 'parked' &&
          h(
            'div',
            { className: 'actions' },
            h('button', { type: 'button', onclick: () => retry(item.eventId, type) }, `Retry ${type}`),
            h(
              'button',
              { type: 'button', className: 'danger', onclick: () => skip(item.eventId, type) },
              `Skip ${type}`,
            ),
          ),
      ),
    );
  }

  /** Runs an action, says how it went, and shows the list again from its first page. */
  async function act(call, describe) {
    try {
      fill(status, describe(await call()));
    } catch (error) {
      fill(status, notice(`That failed: ${error.message}`, 'error'));
    }
    pages = [0];
    await load();
  }

  /** What a retry did: applied now, failed again (with the new error), queued for the shard's holder, or impossible. */
  const retried = (outcome) => {
    const failing = (outcome.stillFailing ?? []).map((f) => `${f.eventId} failed again: ${f.error}`);
    const applied = outcome.retried ?? [];
    const queued = outcome.queued ?? [];
    const withoutPatient = outcome.withoutPatient ?? [];
    const parts = [
      applied.length > 0 &&
        `${applied.length === 1 ? `The event ${applied[0]} was` : `${applied.length} events were`} applied again.`,
      ...failing,
      queued.length > 0 &&
        `${queued.length} queued: the process holding their patients' shards applies them when it runs.`,
      withoutPatient.length > 0 &&
        `${withoutPatient.length} parked without a known patient cannot be retried; skip them.`,
    ].filter(Boolean);
    return failing.length > 0 ? notice(parts.join(' '), 'error') : parts.join(' ') || 'Nothing was parked.';
  };

  async function retry(eventId, type) {
    const ok = await confirmAction({
      title: `Retry ${type}?`,
      text: `${chooser.value} re-derives the rows of the event's patient with ${eventId} in.`,
      action: 'Retry',
    });
    if (ok) await act(() => api(`${modelPath()}/${encodeURIComponent(eventId)}/retry`, { method: 'POST' }), retried);
  }

  async function retryAll() {
    const ok = await confirmAction({
      title: `Retry every parked event of ${chooser.value}?`,
      text: 'Each patient’s rows are re-derived with their parked events in, in the order of the log.',
      action: 'Retry all',
    });
    if (ok) await act(() => api(`${modelPath()}/retry`, { method: 'POST' }), retried);
  }

  async function skip(eventId, type) {
    const reason = await confirmAction({
      title: `Skip ${type}?`,
      text: `${chooser.value} will never apply the event ${eventId}; its views leave it out. The event stays in the log.`,
      action: 'Skip',
      reason: true,
    });
    if (reason)
      await act(
        () => api(`${modelPath()}/${encodeURIComponent(eventId)}/skip`, { method: 'POST', body: { reason } }),
        () => `The event ${eventId} was skipped.`,
      );
  }

  void start();
}
