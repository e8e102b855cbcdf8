// Owns the one-process rule of the embedded database: PGlite is a single process writing its data
// directory with no lock of its own, so a second process opening the same directory (a second
// `npm start`, or the operator command while the app runs) would corrupt it. Whoever opens it
// first writes its pid to `<dir>.lock`; anyone else is refused with a message naming that process.
// A lock left by a process that died is taken over. The check uses pids, so it protects processes
// on one machine (or one container), not a directory shared between machines.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database ${dataDir} is in use by process ${pid}; PGlite allows one process at a time, so stop that process first (or use DATABASE_URL)`,
    );
    this.name = 'DataDirInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock of an embedded data directory; the returned function gives it back. */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = readHolder(lockFile);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(dataDir, holder);
      }
      // Left behind by a process that is gone: take it over.
      unlinkSync(lockFile);
    }
  }
  const release = () => {
    if (readHolder(lockFile) === process.pid) unlinkSync(lockFile);
    process.off('exit', release);
  };
  // A process that exits without closing (process.exit after a failed start) leaves no lock.
  process.on('exit', release);
  return release;
}
