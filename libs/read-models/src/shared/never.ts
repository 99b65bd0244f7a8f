/** Exhaustiveness guard for switches over event unions. */
export function assertNeverEvent(value: never): never {
  throw new Error(`Unhandled event: ${JSON.stringify(value)}`);
}
