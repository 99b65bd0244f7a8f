/** Something the patient or a clinician does at an instant. */
interface Action {
  at: number;
  seq: number;
  run: () => Promise<unknown>;
}

/**
 * A patient's pending actions, run in time order; actions at the same
 * instant run in the order they were planned (a binary heap on both).
 */
export class ActionQueue {
  private readonly queue: Action[] = [];
  private seq = 0;

  /** Plans `run` for instant `at`. */
  schedule(at: number, run: () => Promise<unknown>): void {
    const action = { at, seq: this.seq++, run };
    const queue = this.queue;
    queue.push(action);
    let i = queue.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(action, queue[parent]!)) break;
      queue[i] = queue[parent]!;
      i = parent;
    }
    queue[i] = action;
  }

  /** Runs, one after the other, every action due before `end`, including those they plan. */
  async runUntil(end: number): Promise<void> {
    while (this.queue.length > 0 && this.queue[0]!.at < end) await this.pop().run();
  }

  private pop(): Action {
    const queue = this.queue;
    const top = queue[0]!;
    const last = queue.pop()!;
    if (queue.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= queue.length) break;
        const right = left + 1;
        const child = right < queue.length && before(queue[right]!, queue[left]!) ? right : left;
        if (!before(queue[child]!, last)) break;
        queue[i] = queue[child]!;
        i = child;
      }
      queue[i] = last;
    }
    return top;
  }
}

function before(a: Action, b: Action): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
