export * from './postgres-test-database';
export * from './event-store-contract';
export * from './sql-adapter-guarantees';
