// Owns sweeping temp files a crash left behind (an upload being received, a blob being written):
// files directly in a directory whose last change is older than a given age are removed. Files
// younger than that may belong to work in progress and are kept.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes the files in `directory` last modified more than `olderThanMs` before `now`; returns how many. A missing directory is no error. */
export async function removeStaleFiles(
  directory: string,
  olderThanMs: number,
  now = Date.now(),
): Promise<number> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(directory, entry.name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > olderThanMs) {
      await rm(path, { force: true });
      removed += 1;
    }
  }
  return removed;
}
