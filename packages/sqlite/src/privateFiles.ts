// The database file and its -wal and -shm companions hold every event: only their owner may read them.
import fs from 'node:fs';

/** A file name SQLite reads as a file on disk (not in memory, not a URI). */
const isPlainFile = (filename: string) =>
  filename !== '' && filename !== ':memory:' && !filename.startsWith('file:');

/**
 * Creates a missing database file empty with mode 0600 (an empty file is an empty SQLite database):
 * SQLite would make it 0644, readable by every user of the machine, and gives its -wal and -shm files the
 * mode of the database file.
 */
export function createPrivately(filename: string): void {
  if (!isPlainFile(filename)) return;
  try {
    fs.closeSync(fs.openSync(filename, 'wx', 0o600));
  } catch {
    // It exists, or cannot be made: SQLite then says why, as it always did.
  }
}

/**
 * Tightens the database file, its -wal and its -shm to 0600 where they exist readable or writable by
 * others (made by an older version, or copied in); answers a notice for each file changed, or that could
 * not be changed (not its owner).
 */
export function tightenModes(filename: string): string[] {
  if (!isPlainFile(filename)) return [];
  const notices: string[] = [];
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
    let mode: number;
    try {
      mode = fs.statSync(file).mode & 0o777;
    } catch {
      continue; // missing (or out of reach: SQLite says why)
    }
    if ((mode & 0o077) === 0) continue;
    const was = mode.toString(8).padStart(4, '0');
    try {
      fs.chmodSync(file, 0o600);
      notices.push(`${file} was open to other users (mode ${was}); it is now 0600`);
    } catch (error) {
      notices.push(
        `${file} is open to other users (mode ${was}) and could not be made 0600: ${(error as Error).message}`,
      );
    }
  }
  return notices;
}
