// Read models and the relay (GET /admin/projections), updated live: state, checkpoint, lag, rate,
// shards and holders, last error, parked events; rebuild, pause and resume after a confirmation.
// A running rebuild shows its progress and an estimate of the time left (docs/read-models.md).
import { confirmAction } from '../confirm.js';
import { duration, fill, h, instant, notice, number } from '../dom.js';
import { poll } from '../poll.js';
import { api } from '../session.js';

const POLL_MS = 1500;

const COLUMNS = [
  ['name', 'Read model'],
  ['state', 'State'],
  ['checkpoint', 'Checkpoint', true],
  ['head', 'Head', true],
  ['lagEvents', 'Lag (events)', true],
  ['lagSeconds', 'Lag (time)', true],
  ['rate', 'Events/s', true],
  ['shards', 'Shards and holders'],
  ['parked', 'Parked', true],
  ['lastError', 'Last error'],
  ['rebuild', 'Rebuild'],
  ['actions', 'Actions'],
];

export function projectionsPage(main) {
  const announce = h('p', { role: 'status', className: 'muted', id: 'projections-status' });
  const failure = h('div');
  const tbody = h('tbody');
  const updated = h('p', { className: 'muted' });
  const rows = new Map();
  const pace = new Map(); // name -> { progress, at }: the rebuild's pace between two answers
  main.append(
    h('p', {}, 'Every read model of this deployment and the Kafka relay, asked every 1.5 s while this page is shown.'),
    announce,
    failure,
    h(
      'table',
      { id: 'projections' },
      h('caption', {}, 'Read models and the relay'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          COLUMNS.map(([, heading, numeric]) =>
            h('th', { scope: 'col', className: numeric ? 'number' : undefined }, heading),
          ),
        ),
      ),
      tbody,
    ),
    updated,
  );

  async function refresh() {
    let statuses;
    try {
      statuses = await api('/admin/projections');
      fill(failure);
    } catch (error) {
      fill(failure, notice(`The status could not be read: ${error.message}`, 'error'));
      return;
    }
    const seen = new Set();
    for (const status of statuses) {
      seen.add(status.name);
      let row = rows.get(status.name);
      if (!row) {
        row = createRow(status);
        rows.set(status.name, row);
        tbody.append(row.element);
      }
      const before = row.status;
      row.status = status;
      updateRow(row, status);
      if (before?.rebuild && !status.rebuild) {
        announce.textContent = `The rebuild of ${status.name} finished: generation ${status.generation} serves now.`;
        pace.delete(status.name);
      }
    }
    for (const [name, row] of rows) {
      if (!seen.has(name)) {
        row.element.remove();
        rows.delete(name);
      }
    }
    fill(updated, 'Updated ', instant(new Date().toISOString()));
  }

  function createRow(status) {
    const cells = Object.fromEntries(
      COLUMNS.map(([key, , numeric]) => [
        key,
        h(key === 'name' ? 'th' : 'td', {
          className: numeric ? 'number' : undefined,
          scope: key === 'name' ? 'row' : undefined,
        }),
      ]),
    );
    const row = { element: h('tr', { 'data-name': status.name }, Object.values(cells)), cells, status };
    if (status.kind === 'read-model') {
      row.pause = h('button', {
        type: 'button',
        onclick: () => control(row, row.status.state === 'paused' ? 'resume' : 'pause'),
      });
      row.rebuild = h('button', { type: 'button', onclick: () => control(row, 'rebuild') }, `Rebuild ${status.name}`);
      fill(cells.actions, h('div', { className: 'actions' }, row.rebuild, row.pause));
    } else {
      fill(cells.actions, h('span', { className: 'muted' }, 'runs beside the read models'));
    }
    return row;
  }

  function updateRow(row, s) {
    const c = row.cells;
    fill(
      c.name,
      s.name,
      h(
        'div',
        { className: 'muted' },
        s.kind === 'relay' ? 'Kafka relay' : `v${s.version}, generation ${s.generation}`,
      ),
    );
    fill(c.state, h('span', { className: `state-${s.state}` }, s.state));
    c.checkpoint.textContent = number(s.checkpoint?.position);
    c.head.textContent = number(s.headPosition);
    c.lagEvents.textContent = number(s.lagEvents);
    c.lagSeconds.textContent = duration(s.lagSeconds);
    c.rate.textContent = number(s.eventsPerSecond);
    fillShards(c.shards, s);
    fill(
      c.parked,
      s.parkedCount > 0
        ? h('a', { href: `#/parked?model=${encodeURIComponent(s.name)}` }, number(s.parkedCount))
        : number(s.parkedCount ?? 0),
    );
    fill(
      c.lastError,
      s.lastError ? h('span', { className: 'bad' }, s.lastError.message) : h('span', { className: 'muted' }, 'none'),
      s.lastError?.at && h('div', {}, instant(s.lastError.at)),
    );
    fillRebuild(c.rebuild, s);
    if (row.pause) {
      const paused = s.state === 'paused';
      row.pause.textContent = `${paused ? 'Resume' : 'Pause'} ${s.name}`;
      row.pause.className = paused ? '' : 'danger';
      row.rebuild.disabled = Boolean(s.rebuild);
    }
  }

  function fillShards(cell, s) {
    const holders = new Map();
    for (const shard of s.shards ?? [])
      holders.set(shard.owner ?? 'no holder', (holders.get(shard.owner ?? 'no holder') ?? 0) + 1);
    let details = cell.querySelector('details');
    const open = details?.open ?? false;
    details = h(
      'details',
      { open },
      h(
        'summary',
        {},
        `${s.shardCount} shard${s.shardCount === 1 ? '' : 's'}: `,
        [...holders].map(([owner, count]) => `${owner} (${count})`).join(', '),
      ),
      h(
        'table',
        {},
        h('caption', {}, `Shards of ${s.name}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Shard', 'Holder', 'State', 'Checkpoint', 'Lag', 'Lease until'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          (s.shards ?? []).map((shard) =>
            h(
              'tr',
              {},
              h('td', {}, shard.shard),
              h('td', { className: 'mono' }, shard.owner ?? '–'),
              h('td', {}, shard.state),
              h('td', { className: 'number' }, number(shard.checkpoint?.position)),
              h('td', { className: 'number' }, number(shard.lagEvents)),
              h('td', {}, instant(shard.leaseExpiresAt)),
            ),
          ),
        ),
      ),
    );
    fill(cell, details);
  }

  function fillRebuild(cell, s) {
    if (!s.rebuild) return fill(cell, h('span', { className: 'muted' }, 'none running'));
    const progress = Math.max(0, Math.min(1, Number(s.rebuild.progress) || 0));
    const eta = s.rebuild.etaSeconds ?? estimateEta(s.name, progress);
    const label = `${Math.floor(progress * 100)} %${eta === undefined ? '' : `, about ${duration(eta)} left`}`;
    fill(
      cell,
      h('progress', { max: 100, value: Math.floor(progress * 100), 'aria-label': `Rebuild of ${s.name}: ${label}` }),
      h('div', { className: 'rebuild-label' }, `Generation ${s.rebuild.generation}: ${label}`),
    );
  }

  /** Time left at the pace since the first answer that showed this rebuild. */
  function estimateEta(name, progress) {
    const now = Date.now();
    const first = pace.get(name);
    if (!first) {
      pace.set(name, { progress, at: now });
      return undefined;
    }
    const rate = (progress - first.progress) / ((now - first.at) / 1000);
    return rate > 0 ? (1 - progress) / rate : undefined;
  }

  async function control(row, action) {
    const name = row.status.name;
    const texts = {
      rebuild: [
        'Rebuild',
        `Rebuild ${name} from the whole event log into new tables? The current copy keeps answering until the new one has caught up; then it switches over.`,
      ],
      pause: [
        'Pause',
        `Pause ${name} after the batch in hand? Its views stop following new events until it is resumed.`,
      ],
      resume: [
        'Resume',
        `Resume ${name}? It catches up from its checkpoint; one stopped by an event it could not apply tries that event again.`,
      ],
    };
    const [verb, text] = texts[action];
    if (!(await confirmAction({ title: `${verb} ${name}?`, text, action: verb }))) return;
    try {
      const answer = await api(`/admin/projections/${encodeURIComponent(name)}/${action}`, { method: 'POST' });
      announce.textContent =
        action === 'rebuild'
          ? `The rebuild of ${name} started: generation ${answer.generation}.`
          : `${name} is ${action === 'pause' ? 'paused' : 'resumed'}.`;
      await refresh();
    } catch (error) {
      fill(failure, notice(`${verb} ${name} failed: ${error.message}`, 'error'));
    }
  }

  return poll(refresh, POLL_MS);
}
