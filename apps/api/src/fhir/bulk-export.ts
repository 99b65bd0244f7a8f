import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { exportFhir, loadPseudonymizer, type Pseudonymizer } from '@caretrail/admin-tasks';
import type { EventStore } from '@caretrail/event-store';
import type { ExportRequest } from '@caretrail/fhir';
import type { ApiConfig } from '../config/api-config';
import { API_CONFIG, EVENT_STORE } from '../http/tokens';
import { PersonalData } from '../privacy/personal-data';

/** How long a finished export's files stay for download (docs/fhir.md, "Bulk export"). */
export const EXPORT_RETENTION_MS = 60 * 60_000;

export interface ExportJob {
  readonly id: string;
  /** Only the user who asked polls, downloads or cancels it. */
  readonly owner: string;
  readonly request: ExportRequest;
  readonly requestUrl: string;
  /** Events recorded up to this instant are exported: one consistent cut of the log. */
  readonly transactionTime: string;
  readonly dir: string;
  status: 'running' | 'complete' | 'failed' | 'cancelled';
  patientsDone: number;
  patientsTotal: number | null;
  readonly counts: Map<string, number>;
  error: string | null;
  /** Settles when the job has stopped writing (finished, failed or cancelled). */
  finished: Promise<void>;
}

/**
 * Bulk Data exports (FHIR Bulk Data Access 2.0, docs/fhir.md): one job per
 * kick-off, run in the background in this process by `exportFhir`
 * (libs/admin-tasks: one patient at a time, bounded memory). Files are NDJSON per type under
 * DATA_DIR/fhir-export/<job>, removed on DELETE or after the retention.
 */
@Injectable()
export class BulkExports implements OnModuleDestroy {
  private readonly logger = new Logger('BulkExport');
  private readonly jobs = new Map<string, ExportJob>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pseudonyms: Pseudonymizer | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly personalData: PersonalData,
  ) {}

  start(owner: string, request: ExportRequest, requestUrl: string): ExportJob {
    const id = randomUUID();
    const job: ExportJob = {
      id,
      owner,
      request,
      requestUrl,
      transactionTime: new Date().toISOString(),
      dir: join(this.config.auth.dataDir, 'fhir-export', id),
      status: 'running',
      patientsDone: 0,
      patientsTotal: null,
      counts: new Map(),
      error: null,
      finished: Promise.resolve(),
    };
    this.jobs.set(id, job);
    job.finished = this.run(job).catch((error: unknown) => {
      if (job.status === 'cancelled') return;
      job.status = 'failed';
      job.error = 'The export failed; it has been logged.';
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    });
    return job;
  }

  /** The job, for its owner only: anybody else hears it does not exist. */
  find(id: string, owner: string): ExportJob | undefined {
    const job = this.jobs.get(id);
    return job && job.owner === owner ? job : undefined;
  }

  /** Stops a running job and deletes its files (DELETE on the status URL). */
  async cancel(job: ExportJob): Promise<void> {
    if (job.status === 'running') job.status = 'cancelled';
    this.jobs.delete(job.id);
    // The job stops at the next patient; its files go once nothing writes to them any more.
    await job.finished;
    await rm(job.dir, { recursive: true, force: true });
  }

  fileOf(job: ExportJob, type: string): string {
    return join(job.dir, `${type}.ndjson`);
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all([...this.jobs.values()].map((job) => this.cancel(job)));
  }

  private async run(job: ExportJob): Promise<void> {
    await mkdir(job.dir, { recursive: true, mode: 0o700 });
    const files = new Map<string, WriteStream>();
    let failure: Error | undefined;
    try {
      await exportFhir(
        {
          store: this.store,
          open: (events) => this.personalData.open(events),
          ...(job.request.pseudonymise ? { pseudonyms: this.pseudonymizer() } : {}),
        },
        job.request,
        {
          transactionTime: job.transactionTime,
          cancelled: () => job.status === 'cancelled',
          progress: (done, total) => {
            job.patientsDone = done;
            job.patientsTotal = total;
          },
          write: async (type, line) => {
            let file = files.get(type);
            if (!file) {
              file = createWriteStream(this.fileOf(job, type), { mode: 0o600 });
              // A failed write (disk full) fails the job at its end instead of the process now.
              file.on('error', (error) => (failure ??= error));
              files.set(type, file);
            }
            if (failure) throw failure;
            if (!file.write(line)) await once(file, 'drain');
            job.counts.set(type, (job.counts.get(type) ?? 0) + 1);
          },
        },
      );
    } finally {
      await Promise.all([...files.values()].map((file) => new Promise((resolve) => file.end(resolve))));
    }
    if (failure) throw failure;
    if (job.status !== 'running') return;
    job.status = 'complete';
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.cancel(job);
    }, EXPORT_RETENTION_MS).unref();
    this.timers.add(timer);
  }

  private pseudonymizer(): Pseudonymizer {
    this.pseudonyms ??= loadPseudonymizer({ ...process.env, DATA_DIR: this.config.auth.dataDir });
    return this.pseudonyms;
  }
}
