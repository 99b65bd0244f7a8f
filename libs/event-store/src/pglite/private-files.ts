import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files of the embedded store: readable and writable by the service's user only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Folders of the embedded store: entered by the service's user only. */
export const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Makes the data directory private to the service's user, now and for what
 * is created in it later (docs/erasure.md, "Files on disk").
 *
 * PGlite writes its catalogs, WAL and relation files with mode 0666, whatever
 * the umask: the data directory would be readable by every local user. The
 * process umask becomes 077, so files and folders created from now on are
 * 0600 and 0700, and what already exists is narrowed once here. The umask is
 * process-wide on purpose: the embedded store holds health data, and nothing
 * else in a CareTrail process has a reason to create files others can read.
 */
export function makeDataDirectoryPrivate(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  narrow(dataDir);
}

function narrow(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIRECTORY_MODE) chmodSync(path, PRIVATE_DIRECTORY_MODE);
    for (const entry of readdirSync(path)) narrow(join(path, entry));
  } else if ((stat.mode & 0o777 & ~PRIVATE_FILE_MODE) !== 0) {
    chmodSync(path, stat.mode & PRIVATE_FILE_MODE);
  }
}
