import { START, type Checkpoint, type EventStore } from '../event-store';
import { quoteIdent, type SqlQueryable } from '../sql/sql-database';
import { PatientCursors } from './patient-cursors';
import { ShardCheckpoints } from './shard-checkpoints';

/** One shard of a subscriber as every process sees it: who holds it, where it is, how far behind. */
export interface ShardStatus {
  shard: number;
  /** The holding process (host/pid/tail); null while no process holds it. */
  owner: string | null;
  /** When the holder's lease runs out unless renewed (ISO 8601). */
  leaseExpiresAt: string;
  /** What the holder last reported at its heartbeat. */
  state: string;
  checkpoint: Checkpoint;
  /**
   * Events after the shard's checkpoint in the global order (all shards', which it still reads past),
   * estimated like the relay's lag: head position minus checkpoint position, 0 when nothing is left
   * to read. An estimate because counting the rest of a long log on every status read would cost
   * as much as a rebuild's reads.
   */
  lagEvents: number;
  /** Age in seconds of the oldest event the shard has still to read past (0 when caught up). */
  lagSeconds: number;
  lastError: { message: string; eventId: string | null; at: string } | null;
  eventsPerSecond: number;
  /**
   * While the shard folds its patients' histories up to a head (docs/read-models.md, "How a rebuild
   * proceeds"): the head, and how many of its patients are applied of how many. Its `checkpoint`
   * stays at the start of the log until the pass ends (some patients have nothing applied yet), and
   * `lagEvents` estimates what is left from the share of patients done: appliedPosition. Null otherwise.
   */
  byPatient: { head: Checkpoint; patients: number; patientsDone: number } | null;
}

/**
 * How far into the log a shard's work is, as a position: its checkpoint's, or during a pass by
 * patient the head's position times the share of its patients done (an estimate: it takes the
 * patients' histories as equally long; their order, by id, has nothing to do with their length).
 */
export function appliedPosition(shard: Pick<ShardStatus, 'checkpoint' | 'byPatient'>): number {
  const pass = shard.byPatient;
  if (!pass) return shard.checkpoint.position;
  return pass.patients === 0 ? 0 : Math.floor((pass.head.position * pass.patientsDone) / pass.patients);
}

interface LeaseRow {
  shard: number;
  owner: string | null;
  expires_at: Date | string;
  live: boolean;
  state: string;
  last_error: string | null;
  last_error_event_id: string | null;
  last_error_at: Date | string | null;
  events_per_second: number;
}

/**
 * The shards of a subscriber from the lease rows and the checkpoints, for
 * `GET /admin/projections`. Lag is estimated once per distinct checkpoint
 * (shards of one holder usually share one).
 */
export async function shardStatuses(
  sql: SqlQueryable & { schema: string },
  store: Pick<EventStore, 'readAll' | 'status'>,
  subscriber: string,
  shards: number,
): Promise<ShardStatus[]> {
  const { rows } = await sql.query<LeaseRow>(
    `SELECT shard, owner, expires_at, expires_at > now() AS live, state, last_error, last_error_event_id::text AS last_error_event_id,
            last_error_at, events_per_second
     FROM ${quoteIdent(sql.schema)}.shard_leases WHERE subscriber = $1 AND shard < $2 ORDER BY shard`,
    [subscriber, shards],
  );
  const leases = new Map(rows.map((r) => [r.shard, r]));
  const all = Array.from({ length: shards }, (_, shard) => shard);
  const checkpoints = await new ShardCheckpoints(sql.schema, subscriber).load(sql, all, START);
  // A cursor left by a holder that lost its shard as the pass ended is not a pass: the checkpoint rules.
  const cursors = await new PatientCursors(sql.schema, subscriber).read(
    sql,
    all.filter((shard) => !checkpoints.get(shard)!.stored),
  );
  const { headPosition } = await store.status();
  const lags = new Map<string, Promise<{ events: number; seconds: number }>>();
  const lagOf = (c: Checkpoint): Promise<{ events: number; seconds: number }> => {
    const key = `${c.transactionId}:${c.position}`;
    if (!lags.has(key)) {
      const next = store.readAll({ after: c, limit: 1 });
      lags.set(
        key,
        next.then(([first]) =>
          first === undefined
            ? { events: 0, seconds: 0 }
            : {
                events: Math.max(1, headPosition - c.position),
                seconds: Math.max(0, (Date.now() - Date.parse(first.recordedAt)) / 1000),
              },
        ),
      );
    }
    return lags.get(key)!;
  };
  return Promise.all(
    all.map(async (shard) => {
      const lease = leases.get(shard);
      const checkpoint = checkpoints.get(shard)!.checkpoint;
      const cursor = cursors.get(shard);
      const byPatient = cursor
        ? { head: cursor.head, patients: cursor.patients, patientsDone: cursor.patientsDone }
        : null;
      const held = lease?.owner && lease.live;
      const lag = await lagOf(checkpoint);
      return {
        shard,
        owner: held ? lease.owner : null,
        leaseExpiresAt: new Date(lease?.expires_at ?? 0).toISOString(),
        state: held ? lease.state : 'unassigned',
        checkpoint,
        lagEvents: byPatient ? Math.max(1, headPosition - appliedPosition({ checkpoint, byPatient })) : lag.events,
        lagSeconds: lag.seconds,
        lastError:
          held && lease.last_error
            ? {
                message: lease.last_error,
                eventId: lease.last_error_event_id,
                at: new Date(lease.last_error_at ?? Date.now()).toISOString(),
              }
            : null,
        eventsPerSecond: held ? lease.events_per_second : 0,
        byPatient,
      };
    }),
  );
}
