// API keys and the roles they carry, for any Janus service: parsed from an environment variable's text
// (`k1=teller,k2=auditor`), or made on first start and kept in `<dataDir>/api-keys.json` (mode 0600).
// Nothing here reads the environment: a service's main passes the text in.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Principal } from '@janus/core';

/** The roles of one service: how to read one, what to say when it is wrong, which keys to make. */
export interface Roles<R extends string> {
  /** The role a text names, or undefined. */
  parse(text: string): R | undefined;
  /** What a role may be, for error messages: "a role is teller, auditor or customer:<customerId>". */
  readonly hint: string;
  /** The roles of the keys made on first start, one key each. */
  readonly generated: readonly R[];
  /** Where keys come from when not from a file: the variable's name, for error messages. */
  readonly variable: string;
  /** The service, for the key file's note: "the Janus bank service". */
  readonly service: string;
}

export interface ApiKey<R extends string = string> {
  readonly key: string;
  readonly role: R;
}

/** Where the keys came from, and what start-up should say about them. */
export interface ApiKeySet<R extends string = string> {
  readonly keys: readonly ApiKey<R>[];
  readonly source: 'variable' | 'file';
  /** The key file (source 'file'). */
  readonly file?: string;
  /** True when this start made the key file. */
  readonly created: boolean;
  /** Things an operator should know (a key file readable by others was tightened to 0600). */
  readonly warnings: readonly string[];
}

/** Bad keys or a bad key file: every problem, each in words an operator can act on (never a key). */
export class ApiKeysError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(`${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  override get name(): string {
    return 'ApiKeysError';
  }
}

/** What a Bearer token may hold: visible ASCII, no spaces, no commas (they separate pairs). */
const KEY = /^[\x21-\x2b\x2d-\x7e]{1,512}$/;

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the key is empty';
  if (!KEY.test(key)) return 'a key is 1 to 512 visible ASCII characters, without spaces or commas';
  return undefined;
}

/**
 * Reads comma-separated `key=role` pairs. Spaces around pairs are ignored; a key may contain '=' (the role
 * is what follows the last one). Throws an ApiKeysError naming every bad pair and every key given twice.
 */
export function parseApiKeys<R extends string>(text: string, roles: Roles<R>): ApiKey<R>[] {
  const problems: string[] = [];
  const keys: ApiKey<R>[] = [];
  const seen = new Set<string>();
  text.split(',').forEach((raw, index) => {
    const pair = raw.trim();
    const where = `pair ${index + 1}`;
    if (pair === '') {
      problems.push(`${where} is empty (two commas in a row, or a comma at an end)`);
      return;
    }
    const split = pair.lastIndexOf('=');
    if (split < 0) {
      problems.push(`${where} has no '=': write key=role`);
      return;
    }
    const key = pair.slice(0, split).trim();
    const roleText = pair.slice(split + 1).trim();
    const role = roles.parse(roleText);
    const badKey = keyProblem(key);
    if (badKey) problems.push(`${where}: ${badKey}`);
    if (!role) problems.push(`${where}: unknown role '${roleText}'; ${roles.hint}`);
    if (badKey || !role) return;
    if (seen.has(key)) {
      problems.push(`${where}: the same key is given twice`);
      return;
    }
    seen.add(key);
    keys.push({ key, role });
  });
  if (problems.length > 0) throw new ApiKeysError(`${roles.variable} is invalid`, problems);
  return keys;
}

/** A short, stable, non-secret fingerprint of a key: tells callers apart in metadata and logs. */
export const keyFingerprint = (key: string): string =>
  createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12);

/**
 * The principal of a key: its role as its one role, and an id that tells two keys of the same role apart
 * (`teller#3f2a…`), stable across restarts and not the key itself.
 */
export const principalOf = ({ key, role }: ApiKey): Principal => ({
  id: `${role}#${keyFingerprint(key)}`,
  roles: [role],
});

/** Keys to principals, for the bearer-key authenticator. */
export const principalsByKey = (keys: readonly ApiKey[]): Map<string, Principal> =>
  new Map(keys.map((k) => [k.key, principalOf(k)]));

/** A new random key: 32 characters of base64url (192 bits). */
export const newKey = (): string => randomBytes(24).toString('base64url');

export const KEY_FILE = 'api-keys.json';

/**
 * The keys a service accepts: those of its variable when it is set (the key file is then ignored), else
 * those of its key file in `dataDir`, made on first start.
 */
export async function serviceKeys<R extends string>(
  fromVariable: readonly ApiKey<R>[] | undefined,
  dataDir: string,
  roles: Roles<R>,
): Promise<ApiKeySet<R>> {
  if (fromVariable) return { keys: fromVariable, source: 'variable', created: false, warnings: [] };
  return loadOrCreateKeyFile(dataDir, roles);
}

/**
 * The keys kept in `<dataDir>/api-keys.json`; on first start (no file) one random key per generated role,
 * written there first. The file is created with mode 0600 (never readable by others, even for an instant:
 * it is written under another name, then linked into place, so a concurrent start or a crash never leaves
 * a half-written file), and reused on later starts. An existing file readable by others is tightened to
 * 0600, with a warning.
 */
export async function loadOrCreateKeyFile<R extends string>(
  dataDir: string,
  roles: Roles<R>,
): Promise<ApiKeySet<R>> {
  const file = path.join(dataDir, KEY_FILE);
  await fs.mkdir(dataDir, { recursive: true });
  const existing = await readKeyFile(file, roles);
  if (existing) return existing;
  const keys = roles.generated.map((role) => ({ key: newKey(), role }));
  const content = {
    note: `API keys of ${roles.service}: send one as "Authorization: Bearer <key>". Keep this file private.`,
    keys,
  };
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temporary, file); // fails if another start made the file meanwhile: then use that one
    await syncDirectory(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await readKeyFile(file, roles);
    if (theirs) return theirs;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return { keys, source: 'file', file, created: true, warnings: [] };
}

async function readKeyFile<R extends string>(
  file: string,
  roles: Roles<R>,
): Promise<ApiKeySet<R> | undefined> {
  let text: string;
  let mode: number;
  try {
    mode = (await fs.stat(file)).mode & 0o777;
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const keys = parseKeyFile(text, file, roles);
  const warnings: string[] = [];
  if ((mode & 0o077) !== 0) {
    await fs.chmod(file, 0o600);
    warnings.push(
      `${file} was readable by others (mode ${mode.toString(8).padStart(4, '0')}); it is now 0600`,
    );
  }
  return { keys, source: 'file', file, created: false, warnings };
}

/** The keys of a key file's text; an ApiKeysError says what is wrong with it (never echoing a key). */
export function parseKeyFile<R extends string>(text: string, file: string, roles: Roles<R>): ApiKey<R>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiKeysError(`${file} is not valid JSON`, [
      'fix it, or delete it to have new keys made on the next start',
    ]);
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ApiKeysError(`${file} is invalid`, [
      'it must be an object with "keys": [{ "key": "...", "role": "..." }, ...], at least one',
    ]);
  }
  const problems: string[] = [];
  const keys: ApiKey<R>[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, index) => {
    const { key, role } = (entry ?? {}) as { key?: unknown; role?: unknown };
    const where = `keys[${index}]`;
    const badKey = typeof key === 'string' ? keyProblem(key) : 'has no "key" string';
    const parsedRole = typeof role === 'string' ? roles.parse(role) : undefined;
    if (badKey) problems.push(`${where}: ${badKey}`);
    if (!parsedRole) problems.push(`${where}: unknown role; ${roles.hint}`);
    if (badKey || !parsedRole || typeof key !== 'string') return;
    if (seen.has(key)) problems.push(`${where}: the same key is given twice`);
    seen.add(key);
    keys.push({ key, role: parsedRole });
  });
  if (problems.length > 0) throw new ApiKeysError(`${file} is invalid`, problems);
  return keys;
}

/** Makes a new directory entry durable (Linux; elsewhere opening a directory may fail, which is fine). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
