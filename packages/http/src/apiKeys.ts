// API keys and the roles they carry, for any Janus service: parsed from an environment variable's text
// (`k1=teller,k2=auditor`), or made on first start and kept in `<dataDir>/api-keys.json` (mode 0600).
// A key's principal id is a keyed hash (HMAC) of the key with the service's key secret, so that the id in
// logs, event metadata and the admin console does not let anyone guess the key offline.
// Nothing here reads the environment: a service's main passes the text in.
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { KeySecretStore, Principal } from '@janus/core';

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
  /** The key secret's variable (BANK_KEY_SECRET), for messages. */
  readonly secretVariable: string;
}

export interface ApiKey<R extends string = string> {
  readonly key: string;
  readonly role: R;
}

/** Where the keys came from, and what start-up should say about them. */
export interface KeyFileSet<R extends string = string> {
  readonly keys: readonly ApiKey<R>[];
  readonly source: 'variable' | 'file';
  /** The key file (source 'file'). */
  readonly file?: string;
  /** True when this start made the key file. */
  readonly created: boolean;
  /**
   * Things an operator should know: a key shorter than 16 characters, a key or secret file readable by
   * others (now 0600), a secret in the data folder while several processes may share a database.
   */
  readonly warnings: readonly string[];
}

/** The keys a service accepts, with their principals. */
export interface ApiKeySet<R extends string = string> extends KeyFileSet<R> {
  /** Each key's principal, its id made with the key secret: for `bearerKeys`. */
  readonly principals: ReadonlyMap<string, Principal>;
  /**
   * Where the key secret came from: its variable; the event store's database (first start: the existing
   * `<dataDir>/key-secret` adopted, else a new one); or `<dataDir>/key-secret` (made on first start).
   */
  readonly secret: {
    readonly source: 'variable' | 'database' | 'file';
    readonly file?: string;
    readonly created: boolean;
  };
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

/**
 * A short, stable fingerprint of a key that tells callers apart in metadata and logs: an HMAC of the key
 * with the service's secret, so that without the secret no one can test guessed keys against it.
 */
export const keyFingerprint = (key: string, secret: string): string =>
  createHmac('sha256', secret).update(key, 'utf8').digest('hex').slice(0, 16);

/**
 * The principal of a key: its role as its one role, and an id that tells two keys of the same role apart
 * (`teller#3f2a…`), stable as long as the secret is (idempotency keys are scoped by it), never the key.
 */
export const principalOf = ({ key, role }: ApiKey, secret: string): Principal => ({
  id: `${role}#${keyFingerprint(key, secret)}`,
  roles: [role],
});

/** Keys to principals, for the bearer-key authenticator. */
export const principalsByKey = (keys: readonly ApiKey[], secret: string): Map<string, Principal> =>
  new Map(keys.map((k) => [k.key, principalOf(k, secret)]));

/** Keys shorter than this get a warning at start-up: short keys can be guessed. */
export const MIN_KEY_LENGTH = 16;
/** A key secret shorter than this is refused. */
export const MIN_SECRET_LENGTH = 32;

/** A new random key: 32 characters of base64url (192 bits). */
export const newKey = (): string => randomBytes(24).toString('base64url');

export const KEY_FILE = 'api-keys.json';
export const KEY_SECRET_FILE = 'key-secret';

/** What serviceKeys needs of a service's configuration. */
export interface KeySources<R extends string> {
  /** The keys variable's keys; undefined: the key file's. */
  readonly apiKeys: readonly ApiKey<R>[] | undefined;
  readonly dataDir: string;
  /** The key secret's variable; undefined: the secret file's. */
  readonly keySecret: string | undefined;
  /** Set when the events live in PostgreSQL, where several processes may serve one service. */
  readonly databaseUrl?: string | undefined;
  /**
   * Where to keep the secret when no variable gives it: the event store, so that every process on one
   * database makes the same fingerprints. Without it, `<dataDir>/key-secret`.
   */
  readonly secretStore?: KeySecretStore | undefined;
}

/**
 * The keys a service accepts: those of its variable when it is set (the key file is then ignored), else
 * those of its key file in `dataDir`, made on first start. Their principals' ids use the key secret: the
 * variable's, else `<dataDir>/key-secret`, made on first start (mode 0600).
 */
export async function serviceKeys<R extends string>(
  sources: KeySources<R>,
  roles: Roles<R>,
): Promise<ApiKeySet<R>> {
  const { keys, ...found } = sources.apiKeys
    ? { keys: sources.apiKeys, source: 'variable' as const, created: false, warnings: [] }
    : await loadOrCreateKeyFile(sources.dataDir, roles);
  const secret = await keySecret(sources.keySecret, sources.dataDir, sources.secretStore);
  const warnings = [...found.warnings, ...secret.warnings];
  for (const { key, role } of keys) {
    if (key.length < MIN_KEY_LENGTH) {
      warnings.push(
        `a ${role} key is only ${key.length} characters long: keys this short can be guessed; use at least ` +
          `${MIN_KEY_LENGTH} random characters (generated keys have 32)`,
      );
    }
  }
  if (secret.source === 'file' && sources.databaseUrl !== undefined) {
    warnings.push(
      `${roles.secretVariable} is not set: key fingerprints (principal ids, which scope idempotency keys) ` +
        `come from ${secret.file ?? KEY_SECRET_FILE}; every process of this service on the same database ` +
        `must use the same secret: set ${roles.secretVariable} to one value for all of them`,
    );
  }
  return {
    ...found,
    keys,
    principals: principalsByKey(keys, secret.value),
    secret: {
      source: secret.source,
      created: secret.created,
      ...(secret.file === undefined ? {} : { file: secret.file }),
    },
    warnings,
  };
}

/**
 * The key secret: the variable's text when given (at least 32 characters); else the one `store` keeps,
 * where the first start keeps the existing `<dataDir>/key-secret` (so fingerprints stay what they were)
 * or a new one; without a store, the one kept in `<dataDir>/key-secret`, made on first start (32 random
 * bytes) with mode 0600 like the key file.
 */
async function keySecret(
  fromVariable: string | undefined,
  dataDir: string,
  store: KeySecretStore | undefined,
): Promise<{
  value: string;
  source: 'variable' | 'database' | 'file';
  file?: string;
  created: boolean;
  warnings: string[];
}> {
  if (fromVariable !== undefined) {
    return { value: fromVariable, source: 'variable', created: false, warnings: [] };
  }
  const file = path.join(dataDir, KEY_SECRET_FILE);
  if (store) {
    const existing = await readSecretFile(file);
    const candidate = existing?.value ?? randomBytes(32).toString('base64url');
    const value = await store.keepKeySecret(candidate);
    const warnings = [...(existing?.warnings ?? [])];
    if (existing && existing.value !== value) {
      warnings.push(
        `${file} differs from the key secret kept in the database, which is used: the file is no longer read`,
      );
    }
    return { value, source: 'database', created: existing === undefined && value === candidate, warnings };
  }
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const read = async () => {
    const existing = await readSecretFile(file);
    return existing && { ...existing, source: 'file' as const, file, created: false };
  };
  const existing = await read();
  if (existing) return existing;
  const value = randomBytes(32).toString('base64url');
  if (await createPrivateFile(file, `${value}\n`)) {
    return { value, source: 'file', file, created: true, warnings: [] };
  }
  const theirs = await read(); // another start made it meanwhile: use that one
  if (theirs) return theirs;
  throw new Error(`${file} vanished while it was being made`);
}

/** The secret of a key secret file, undefined when there is none; an ApiKeysError when it is too short. */
async function readSecretFile(
  file: string,
): Promise<{ readonly value: string; readonly warnings: string[] } | undefined> {
  const existing = await readPrivateFile(file);
  if (!existing) return undefined;
  const value = existing.text.trim();
  if (value.length < MIN_SECRET_LENGTH) {
    throw new ApiKeysError(`${file} is invalid`, [
      `it must hold one secret of at least ${MIN_SECRET_LENGTH} characters; delete it to have a new one ` +
        'made (every principal id changes then)',
    ]);
  }
  return { value, warnings: existing.warnings };
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
): Promise<KeyFileSet<R>> {
  const file = path.join(dataDir, KEY_FILE);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const existing = await readKeyFile(file, roles);
  if (existing) return existing;
  const keys = roles.generated.map((role) => ({ key: newKey(), role }));
  const content = {
    note: `API keys of ${roles.service}: send one as "Authorization: Bearer <key>". Keep this file private.`,
    keys,
  };
  if (await createPrivateFile(file, `${JSON.stringify(content, null, 2)}\n`)) {
    return { keys, source: 'file', file, created: true, warnings: [] };
  }
  const theirs = await readKeyFile(file, roles); // another start made the file meanwhile: use that one
  if (theirs) return theirs;
  throw new Error(`${file} vanished while it was being made`);
}

/** The keys of the key file, undefined when there is none. */
async function readKeyFile<R extends string>(
  file: string,
  roles: Roles<R>,
): Promise<KeyFileSet<R> | undefined> {
  const existing = await readPrivateFile(file);
  if (!existing) return undefined;
  const keys = parseKeyFile(existing.text, file, roles);
  return { keys, source: 'file', file, created: false, warnings: existing.warnings };
}

/**
 * Creates `file` with `content` and mode 0600, never readable by others even for an instant: it is written
 * under another name, then linked into place, so a concurrent start or a crash never leaves a half-written
 * file. False when the file exists already (another start made it).
 */
async function createPrivateFile(file: string, content: string): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temporary, file);
    await syncDirectory(path.dirname(file));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/** A private file's text, undefined when missing; one readable by others is tightened to 0600, with a warning. */
async function readPrivateFile(
  file: string,
): Promise<{ readonly text: string; readonly warnings: string[] } | undefined> {
  let text: string;
  let mode: number;
  try {
    mode = (await fs.stat(file)).mode & 0o777;
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const warnings: string[] = [];
  if ((mode & 0o077) !== 0) {
    await fs.chmod(file, 0o600);
    warnings.push(
      `${file} was readable by others (mode ${mode.toString(8).padStart(4, '0')}); it is now 0600`,
    );
  }
  return { text, warnings };
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
