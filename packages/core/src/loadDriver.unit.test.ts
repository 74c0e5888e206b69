import { describe, expect, test } from 'vitest';
import { MissingDriverError, isMissingDriverError } from './errors.js';
import { loadDriver } from './loadDriver.js';

// A specifier in a variable: the compiler must not try to resolve it.
const importOf = (specifier: string) => () => import(specifier) as Promise<unknown>;

describe('loadDriver', () => {
  test('a driver package that is not installed is a MissingDriverError naming the package to install', async () => {
    const error: unknown = await loadDriver(
      '@janus/not-installed',
      'DATABASE_URL',
      importOf('@janus/not-installed'),
    ).catch((e: unknown) => e);
    expect(isMissingDriverError(error)).toBe(true);
    const missing = error as MissingDriverError;
    expect(missing.code).toBe('missing-driver');
    expect(missing.packageName).toBe('@janus/not-installed');
    expect(missing.message).toBe(
      'DATABASE_URL needs the package @janus/not-installed, which is not installed: run `npm install @janus/not-installed`',
    );
  });

  test('an installed package loads', async () => {
    const path = await loadDriver('node:path', 'a test', () => import('node:path'));
    expect(path.join('a', 'b')).toBe('a/b');
  });

  test('a package that is there but fails to load is not called missing', async () => {
    const broken = new Error('boom');
    await expect(loadDriver('@janus/sqlite', 'an SQLite file', () => Promise.reject(broken))).rejects.toBe(
      broken,
    );
  });

  test('a missing module that the driver needs in turn is not the driver missing', async () => {
    const inner = Object.assign(new Error("Cannot find package 'better-sqlite3' imported from …"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error: unknown = await loadDriver('@janus/sqlite', 'an SQLite file', () =>
      Promise.reject(inner),
    ).catch((e: unknown) => e);
    expect(error).toBe(inner);
    expect(error).not.toBeInstanceOf(MissingDriverError);
  });
});
