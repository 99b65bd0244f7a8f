/**
 * Runs this process's writes to one stream one after another
 * (docs/architecture.md, "Write side"). Concurrent writers in one process
 * would otherwise all read the same version and all but one lose the
 * append; queued, each decides on the state its predecessor left. A request
 * repeating an idempotency key targets the same stream, so it waits here
 * for the first and is answered with its stored result. Writers in other
 * processes are still met by the retries of `executeCommand`.
 */
export class StreamWriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(streamId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamId) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(streamId, tail);
    void tail.then(() => {
      if (this.tails.get(streamId) === tail) this.tails.delete(streamId);
    });
    return result;
  }

  /** Streams with writes queued or running: for tests and status. */
  get busyStreams(): number {
    return this.tails.size;
  }
}
