import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { quoteIdent, type SqlDatabase, type SqlQueryable } from '../sql/sql-database';

/**
 * A new shard holder's id: host, pid and a random tail, so a restarted process is a new member and two
 * hosts in one process are two members.
 */
export const newMemberId = (): string => `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

/** Thrown in a batch transaction whose shards are no longer this process's: the batch rolls back. */
export class LeaseLost extends Error {
  constructor(
    readonly subscriber: string,
    readonly shards: readonly number[],
  ) {
    super(`${subscriber}: the lease of shard(s) ${shards.join(', ')} was lost to another process`);
    this.name = 'LeaseLost';
  }
}

/** A holder configured with a shard count other than the one the subscriber's shards were created with. */
export class ShardCountChanged extends Error {
  constructor(
    readonly subscriber: string,
    readonly recorded: number,
    readonly configured: number,
  ) {
    super(
      `${subscriber} was divided into ${recorded} shards and this process is configured with ${configured}; ` +
        'the count is fixed once work started (docs/architecture.md, "Shards and leases")',
    );
    this.name = 'ShardCountChanged';
  }
}

export interface ShardLeaseOptions {
  /** The subscriber whose shards these are (a read model generation, the relay). */
  subscriber: string;
  shards: number;
  /** This holder's member id (default a new one). */
  member?: string;
  /** How long a lease lives without renewal; a dead holder's shards are taken this long after its last heartbeat. */
  leaseMs: number;
  /**
   * The embedded store: one process owns the data, so it holds every shard
   * without waiting for leases of a previous run to expire.
   */
  exclusive?: boolean;
}

/** What a holder reports on its lease rows at each heartbeat, so any process can show it. */
export interface ShardReport {
  state: string;
  lastError: { message: string; eventId?: string; at: string } | null;
  eventsPerSecond: number;
}

/**
 * The shards of one subscriber this process holds: lease rows with an owner,
 * an epoch (raised at each takeover) and an expiry renewed by heartbeat, and
 * a member row per process so each can compute its fair share
 * (docs/architecture.md, "Shards and leases"). Rows rather than advisory
 * locks: holders and expiries are visible to every process (status), a
 * shard can be handed over without closing a connection, and the batch
 * transaction checks the lease as a fence on any connection of the pool.
 */
export class ShardLeases {
  readonly member: string;
  private readonly leases: string;
  private readonly members: string;
  /** Held shards and their epochs. */
  private readonly holding = new Map<number, number>();
  /** Local clock time until which the last renewal vouches for the leases. */
  private validUntil = 0;

  constructor(
    private readonly sql: SqlDatabase,
    private readonly options: ShardLeaseOptions,
  ) {
    this.member = options.member ?? newMemberId();
    const s = quoteIdent(sql.schema);
    this.leases = `${s}.shard_leases`;
    this.members = `${s}.shard_members`;
  }

  /** Shards held now with their epochs; none once the last renewal is older than a lease. */
  held(): ReadonlyMap<number, number> {
    return Date.now() < this.validUntil ? this.holding : new Map();
  }

  /**
   * Makes sure every shard has a lease row and this process is a member. The rows record the shard
   * count: a holder configured with another count is refused rather than splitting the log twice.
   */
  async join(): Promise<void> {
    const { rows } = await this.sql.query<{ shards: number }>(
      `SELECT count(*)::int AS shards FROM ${this.leases} WHERE subscriber = $1`,
      [this.options.subscriber],
    );
    const recorded = rows[0]?.shards ?? 0;
    if (recorded > 0 && recorded !== this.options.shards) {
      throw new ShardCountChanged(this.options.subscriber, recorded, this.options.shards);
    }
    await this.sql.query(
      `INSERT INTO ${this.leases} (subscriber, shard) SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING`,
      [this.options.subscriber, this.options.shards],
    );
    // Members that died without leaving (kill -9) are forgotten after an hour; until then they only count as dead.
    await this.sql.query(
      `DELETE FROM ${this.members} WHERE subscriber = $1 AND expires_at < now() - interval '1 hour'`,
      [this.options.subscriber],
    );
    await this.heartbeat();
  }

  /**
   * Renews this process's membership and leases and reports its state on
   * them. A shard another process took (after this one's lease expired) is
   * dropped from what this process holds.
   */
  async heartbeat(report?: ShardReport): Promise<void> {
    const started = Date.now();
    const before = new Map(this.holding);
    await this.sql.query(
      `INSERT INTO ${this.members} (subscriber, member, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (subscriber, member) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      [this.options.subscriber, this.member, this.options.leaseMs],
    );
    const { rows } = await this.sql.query<{ shard: number; epoch: string | number }>(
      `UPDATE ${this.leases} SET expires_at = now() + $3 * interval '1 millisecond',
         state = coalesce($4, state), last_error = $5, last_error_event_id = $6, last_error_at = $7,
         events_per_second = coalesce($8, events_per_second)
       WHERE subscriber = $1 AND owner = $2 RETURNING shard, epoch`,
      [
        this.options.subscriber,
        this.member,
        this.options.leaseMs,
        report?.state ?? null,
        report?.lastError?.message ?? null,
        report?.lastError?.eventId ?? null,
        report?.lastError?.at ?? null,
        report?.eventsPerSecond ?? null,
      ],
    );
    const renewed = new Map(rows.map((r) => [r.shard, Number(r.epoch)]));
    // Only what was held when the renewal began: heartbeats run on a timer beside rebalance(), so a
    // shard claimed while the renewal ran is missing from its answer. Dropping it would leave it this
    // member's in the table, renewed by every heartbeat and worked on by no one, for good.
    for (const [shard, epoch] of before) {
      if (this.holding.get(shard) === epoch && renewed.get(shard) !== epoch) this.holding.delete(shard);
    }
    // A margin of a fifth of the lease: stop before the database would let another process take over.
    this.validUntil = started + this.options.leaseMs * 0.8;
  }

  /**
   * Moves towards this process's fair share: the live members, in order of
   * their ids, take floor(N / members) shards each and the first N mod
   * members one more. Excess shards are released (call this between
   * batches), missing ones are claimed from those free or expired.
   */
  async rebalance(): Promise<{ acquired: number[]; released: number[] }> {
    const target = await this.fairShare();
    const released: number[] = [];
    if (this.holding.size > target) {
      released.push(...[...this.holding.keys()].sort((a, b) => b - a).slice(0, this.holding.size - target));
      await this.sql.query(
        `UPDATE ${this.leases} SET owner = NULL, expires_at = now(), state = 'released', events_per_second = 0
         WHERE subscriber = $1 AND owner = $2 AND shard = ANY($3::int[])`,
        [this.options.subscriber, this.member, released],
      );
      for (const shard of released) this.holding.delete(shard);
    }
    const acquired: number[] = [];
    if (this.holding.size < target) {
      for (const { shard, epoch } of await this.claim(target - this.holding.size)) {
        this.holding.set(shard, epoch);
        acquired.push(shard);
      }
    }
    return { acquired, released };
  }

  /**
   * The fence, inside the batch transaction: the shards are still this
   * process's at the epochs it took them with. The rows stay key-share
   * locked until commit, so a takeover (which locks them for update) waits
   * for the batch, and a batch waits for a takeover in progress and then
   * sees the new owner.
   */
  async fence(tx: SqlQueryable, shards: readonly number[]): Promise<void> {
    if (shards.length === 0 || this.options.exclusive) return;
    const epochs = shards.map((shard) => this.holding.get(shard) ?? -1);
    const { rows } = await tx.query<{ shard: number }>(
      `SELECT shard FROM ${this.leases}
       WHERE subscriber = $1 AND owner = $2 AND expires_at > now()
         AND (shard, epoch) IN (SELECT * FROM unnest($3::int[], $4::bigint[]))
       FOR KEY SHARE`,
      [this.options.subscriber, this.member, shards, epochs],
    );
    if (rows.length !== shards.length) {
      const kept = new Set(rows.map((r) => r.shard));
      throw new LeaseLost(
        this.options.subscriber,
        shards.filter((shard) => !kept.has(shard)),
      );
    }
  }

  /** Releases every shard and leaves, so the others take them at once instead of after expiry. */
  async leave(): Promise<void> {
    this.holding.clear();
    this.validUntil = 0;
    await this.sql.query(
      `UPDATE ${this.leases} SET owner = NULL, expires_at = now(), state = 'released', events_per_second = 0
       WHERE subscriber = $1 AND owner = $2`,
      [this.options.subscriber, this.member],
    );
    await this.sql.query(`DELETE FROM ${this.members} WHERE subscriber = $1 AND member = $2`, [
      this.options.subscriber,
      this.member,
    ]);
  }

  private async fairShare(): Promise<number> {
    const { shards } = this.options;
    if (this.options.exclusive) return shards;
    const { rows } = await this.sql.query<{ member: string }>(
      `SELECT member FROM ${this.members} WHERE subscriber = $1 AND expires_at > now()`,
      [this.options.subscriber],
    );
    const members = [...new Set([...rows.map((r) => r.member), this.member])].sort();
    const index = members.indexOf(this.member);
    return Math.floor(shards / members.length) + (index < shards % members.length ? 1 : 0);
  }

  private async claim(count: number): Promise<Array<{ shard: number; epoch: number }>> {
    const free = this.options.exclusive
      ? `SELECT shard FROM ${this.leases} WHERE subscriber = $1 AND owner IS DISTINCT FROM $2 ORDER BY shard LIMIT $3`
      : `SELECT shard FROM ${this.leases} WHERE subscriber = $1 AND (owner IS NULL OR expires_at <= now())
         ORDER BY shard LIMIT $3 FOR UPDATE SKIP LOCKED`;
    const { rows } = await this.sql.query<{ shard: number; epoch: string | number }>(
      `UPDATE ${this.leases} l SET owner = $2, epoch = l.epoch + 1, expires_at = now() + $4 * interval '1 millisecond',
         state = 'starting', last_error = NULL, last_error_event_id = NULL, last_error_at = NULL, events_per_second = 0
       FROM (${free}) free
       WHERE l.subscriber = $1 AND l.shard = free.shard
       RETURNING l.shard, l.epoch`,
      [this.options.subscriber, this.member, count, this.options.leaseMs],
    );
    return rows.map((r) => ({ shard: r.shard, epoch: Number(r.epoch) }));
  }
}
