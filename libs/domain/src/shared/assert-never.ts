/** Exhaustiveness guard for switches over unions (commands, events, states): a missed case is a compile error. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
