import { Client, Pool, type PoolClient } from 'pg';
import { quoteIdent, type SqlDatabase, type SqlQueryable } from '../sql/sql-database';

export interface PostgresOptions {
  connectionString: string;
  /** Schema for CareTrail's tables; default `caretrail`. */
  schema?: string;
  /** Connections in the pool; default 20. */
  poolSize?: number;
  applicationName?: string;
  /** Connection problems that do not belong to a caller (idle client died, listener lost). */
  onBackgroundError?: (error: Error) => void;
}

const LISTEN_RETRY_MS = 1000;

/** node-postgres behind the SqlDatabase interface: a pool, plus one client for LISTEN. */
export class PostgresDatabase implements SqlDatabase {
  readonly backend = 'postgres';
  readonly schema: string;
  private readonly pool: Pool;
  private readonly listeners = new Set<Client>();
  private closed = false;

  constructor(private readonly options: PostgresOptions) {
    this.schema = options.schema ?? 'caretrail';
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 20,
      application_name: options.applicationName ?? 'caretrail',
    });
    this.pool.on('error', (error) => options.onBackgroundError?.(error));
  }

  /** The pool's connections now (caretrail_db_pool_connections: docs/deployment.md, Metrics). */
  poolUsage(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }> {
    const result = await this.pool.query(text, params);
    return { rows: result.rows as Row[] };
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.withConnection(async (connection) => {
      await connection.exec('BEGIN');
      try {
        const result = await work(connection);
        await connection.exec('COMMIT');
        return result;
      } catch (error) {
        await connection.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async withConnection<T>(work: (connection: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client whose server session ends emits 'error'; without a
    // listener that would crash the process. The next query on it fails too,
    // which is how the work finds out.
    const onError = (error: Error): void => {
      broken = error;
      this.options.onBackgroundError?.(error);
    };
    client.on('error', onError);
    try {
      return await work(clientQueryable(client));
    } catch (error) {
      if (isConnectionError(error)) broken ??= error as Error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let current: Client | undefined;
    let stopped = false;
    const connect = async (): Promise<void> => {
      const client = new Client({
        connectionString: this.options.connectionString,
        application_name: `${this.options.applicationName ?? 'caretrail'}-listen`,
      });
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      client.on('error', (error) => {
        this.options.onBackgroundError?.(error);
        this.listeners.delete(client);
        client.end().catch(() => undefined);
        if (!stopped && !this.closed) setTimeout(() => void connect().catch(() => undefined), LISTEN_RETRY_MS);
      });
      await client.connect();
      if (stopped || this.closed) {
        await client.end();
        return;
      }
      this.listeners.add(client);
      current = client;
      await client.query(`LISTEN ${quoteIdent(channel)}`);
    };
    await connect();
    return async () => {
      stopped = true;
      if (current) {
        this.listeners.delete(current);
        await current.end().catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.listeners].map((client) => client.end().catch(() => undefined)));
    await this.pool.end();
  }
}

function clientQueryable(client: PoolClient): SqlQueryable {
  return {
    async query<Row>(text: string, params?: unknown[]) {
      const result = await client.query(text, params);
      return { rows: result.rows as Row[] };
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // SQLSTATE class 08 is "connection exception", 57P0x an administrator or
  // crash shutdown; ECONNRESET and friends come from the socket.
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P0') || code.startsWith('E'));
}
