// The Kafka relay of this process (GET /integration/relay): position, lag, broker, what it
// published last; and the relay's shards across every process, from GET /admin/projections.
import { duration, fill, h, instant, notice, number } from '../dom.js';
import { poll } from '../poll.js';
import { api } from '../session.js';

const POLL_MS = 2000;

/** The fields an operator reads first, in that order; any others follow as the API gives them. */
const KNOWN = [
  ['state', 'State', (v) => h('span', { className: `state-${v}` }, v)],
  ['checkpoint', 'Position (checkpoint)', (v) => number(v?.position)],
  ['headPosition', 'Head of the log', number],
  ['lagEvents', 'Lag (events)', number],
  ['lagSeconds', 'Lag (time)', duration],
  ['eventsPerSecond', 'Events/s', number],
  ['published', 'Published since start', number],
  ['lastPublishedAt', 'Last publish', instant],
  ['broker', 'Broker', (v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))],
  ['lastError', 'Last error', (v) => (v ? h('span', { className: 'bad' }, v.message ?? JSON.stringify(v)) : 'none')],
];

export function relayPage(main) {
  const here = h('section', { 'aria-labelledby': 'relay-here' });
  const everywhere = h('section', { 'aria-labelledby': 'relay-shards' });
  main.append(h('p', {}, 'Asked every 2 s while this page is shown.'), here, everywhere);

  async function refresh() {
    const [local, all] = await Promise.allSettled([api('/integration/relay'), api('/admin/projections')]);
    if (local.status === 'fulfilled') {
      const status = local.value;
      const rest = Object.keys(status).filter((key) => !KNOWN.some(([known]) => known === key) && key !== 'held');
      fill(
        here,
        h('h2', { id: 'relay-here' }, 'In this process'),
        h(
          'dl',
          { className: 'facts' },
          KNOWN.filter(([key]) => key in status).flatMap(([key, label, show]) => [
            h('dt', {}, label),
            h('dd', {}, show(status[key])),
          ]),
          rest.flatMap((key) => [h('dt', {}, key), h('dd', { className: 'mono' }, JSON.stringify(status[key]))]),
        ),
      );
    } else if (local.reason.problem?.code === 'RELAY_NOT_HOSTED') {
      fill(
        here,
        h('h2', { id: 'relay-here' }, 'In this process'),
        notice(`${local.reason.message} Another process may run it: see its shards below.`),
      );
    } else {
      fill(
        here,
        h('h2', { id: 'relay-here' }, 'In this process'),
        notice(`The relay status could not be read: ${local.reason.message}`, 'error'),
      );
    }
    const relay = all.status === 'fulfilled' ? all.value.find((s) => s.kind === 'relay') : undefined;
    fill(
      everywhere,
      h('h2', { id: 'relay-shards' }, 'Shards across processes'),
      relay
        ? h(
            'table',
            {},
            h(
              'caption',
              {},
              `${relay.shardCount} shards; head ${number(relay.headPosition)}, lag ${number(relay.lagEvents)} events`,
            ),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Shard', 'Holder', 'State', 'Position', 'Lag (events)', 'Last error'].map((t) =>
                  h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              relay.shards.map((s) =>
                h(
                  'tr',
                  {},
                  h('td', {}, s.shard),
                  h('td', { className: 'mono' }, s.owner ?? 'no holder'),
                  h('td', {}, s.state),
                  h('td', { className: 'number' }, number(s.checkpoint?.position)),
                  h('td', { className: 'number' }, number(s.lagEvents)),
                  h('td', {}, s.lastError?.message ?? 'none'),
                ),
              ),
            ),
          )
        : h('p', {}, 'No process has run the relay against this store yet (KAFKA_BROKERS unset).'),
    );
  }

  return poll(refresh, POLL_MS);
}
