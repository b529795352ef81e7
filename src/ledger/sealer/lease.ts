import type pg from 'pg';

export interface LeaseOptions {
  readonly pool: pg.Pool;
  /** The role, e.g. `sealer`. */
  readonly name: string;
  /** Who holds it: unique per process (host, pid, random). */
  readonly holder: string;
  /** How long the lease lasts without renewal. */
  readonly ttlMs: number;
}

export interface LeaseInfo {
  readonly holder: string;
  readonly epoch: number;
  readonly expiresAt: Date;
}

/**
 * A lease row in the database: exactly one holder at a time, renewed before it expires, taken
 * over by a standby once it expired (the holder died or lost the database). Times are the
 * database's clock, so processes on different machines agree. `epoch` grows at every change
 * of holder and fences the holder's writes (`assertHeld` inside the same transaction).
 */
export class Lease {
  private epochValue: number | undefined;

  constructor(private readonly options: LeaseOptions) {}

  get epoch(): number | undefined {
    return this.epochValue;
  }

  get holder(): string {
    return this.options.holder;
  }

  /** Takes the lease if it is free, expired or already ours; returns whether we hold it now. */
  async tryAcquire(): Promise<boolean> {
    const { rows } = await this.options.pool.query<{ epoch: string; holder: string }>(
      `INSERT INTO ql_leases (name, holder, epoch, acquired_at, expires_at)
       VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE
         SET holder = EXCLUDED.holder,
             epoch = CASE WHEN ql_leases.holder = EXCLUDED.holder AND ql_leases.expires_at > clock_timestamp()
                          THEN ql_leases.epoch ELSE ql_leases.epoch + 1 END,
             acquired_at = CASE WHEN ql_leases.holder = EXCLUDED.holder AND ql_leases.expires_at > clock_timestamp()
                          THEN ql_leases.acquired_at ELSE clock_timestamp() END,
             expires_at = EXCLUDED.expires_at
         WHERE ql_leases.holder = EXCLUDED.holder OR ql_leases.expires_at <= clock_timestamp()
       RETURNING epoch, holder`,
      [this.options.name, this.options.holder, this.options.ttlMs],
    );
    const row = rows[0];
    this.epochValue = row ? Number(row.epoch) : undefined;
    return row !== undefined;
  }

  /** Extends our lease; false when it was lost (expired and taken, or never held). */
  async renew(): Promise<boolean> {
    if (this.epochValue === undefined) return false;
    const { rowCount } = await this.options.pool.query(
      `UPDATE ql_leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
       WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()`,
      [this.options.name, this.options.holder, this.epochValue, this.options.ttlMs],
    );
    if (rowCount !== 1) this.epochValue = undefined;
    return rowCount === 1;
  }

  /**
   * Fences a write: inside the caller's transaction, locks our lease row and fails unless we
   * still hold it. A holder paused past its expiry cannot write after a standby took over.
   */
  async assertHeld(client: pg.PoolClient): Promise<boolean> {
    if (this.epochValue === undefined) return false;
    const { rowCount } = await client.query(
      `SELECT 1 FROM ql_leases WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp() FOR UPDATE`,
      [this.options.name, this.options.holder, this.epochValue],
    );
    return rowCount === 1;
  }

  /** Gives the lease up at once, so a standby need not wait for it to expire. */
  async release(): Promise<void> {
    if (this.epochValue === undefined) return;
    const epoch = this.epochValue;
    this.epochValue = undefined;
    await this.options.pool.query(`UPDATE ql_leases SET expires_at = clock_timestamp() WHERE name = $1 AND holder = $2 AND epoch = $3`, [
      this.options.name,
      this.options.holder,
      epoch,
    ]);
  }

  /** Who holds the lease now, if anyone. */
  static async current(pool: pg.Pool, name: string): Promise<LeaseInfo | undefined> {
    const { rows } = await pool.query<{ holder: string; epoch: string; expires_at: Date }>(
      'SELECT holder, epoch, expires_at FROM ql_leases WHERE name = $1 AND expires_at > clock_timestamp()',
      [name],
    );
    const r = rows[0];
    return r ? { holder: r.holder, epoch: Number(r.epoch), expiresAt: r.expires_at } : undefined;
  }
}
