import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataDirectoryLocked } from '../errors';

export const LOCK_FILE = 'caretrail.lock';

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
  command: string;
}

export interface DataDirLock {
  readonly holder: LockHolder;
  release(): void;
}

/*
 * PGlite takes no lock of its own: two processes on one directory each keep
 * their own copy of the database in memory and overwrite each other's files,
 * losing writes without an error. So the directory is held exclusively.
 *
 * The lock is a file created atomically (hard link of a fully written
 * temporary file, which fails if the lock exists) holding the owner's pid.
 * A lock whose process is gone on this host is stale and taken over. Pid
 * liveness is used rather than a refreshed timestamp because a timestamp
 * goes stale whenever the owner's event loop stalls (a long WASM call), and
 * then a second process would open the directory under a live owner.
 */
export function acquireDataDirLock(dataDir: string, command = process.argv.slice(1).join(' ')): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    command: command.slice(0, 200),
  };
  const candidate = `${lockPath}.${process.pid}.${Date.now()}`;
  writeFileExclusive(candidate, JSON.stringify(holder));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(candidate, lockPath);
        return heldLock(lockPath, holder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHolder(lockPath);
      if (current === undefined) continue; // released meanwhile
      if (!isStale(current)) throw new DataDirectoryLocked(dataDir, current);
      removeIfStillStale(lockPath, current);
    }
    const current = readHolder(lockPath);
    throw new DataDirectoryLocked(dataDir, current ?? { ...holder, pid: -1, command: 'unknown' });
  } finally {
    unlinkSync(candidate);
  }
}

function heldLock(lockPath: string, holder: LockHolder): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readHolder(lockPath);
    if (current?.pid === holder.pid && current.startedAt === holder.startedAt) {
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', release);
  return { holder, release };
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A lock file we cannot parse is not ours to break.
    return { pid: -1, hostname: 'unknown', startedAt: 'unknown', command: 'unreadable lock file' };
  }
}

function isStale(holder: LockHolder): boolean {
  if (holder.hostname !== hostname() || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Moves the stale lock aside atomically, then checks it was the one judged stale. */
function removeIfStillStale(lockPath: string, stale: LockHolder): void {
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (moved?.pid === stale.pid && moved.startedAt === stale.startedAt) {
    unlinkSync(aside);
    return;
  }
  // A live owner locked in between: put its lock back.
  try {
    linkSync(aside, lockPath);
  } finally {
    unlinkSync(aside);
  }
}

function writeFileExclusive(path: string, content: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
