/** What to do with an event whose evolve throws. */
export type PoisonPolicy = 'stop' | 'park';

export type ProjectionState =
  'starting' | 'running' | 'catching-up' | 'rebuilding' | 'paused' | 'failed' | 'standby' | 'stopped';
