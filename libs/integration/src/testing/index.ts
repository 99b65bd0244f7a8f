export * from './kafka';
export * from './message-checks';
