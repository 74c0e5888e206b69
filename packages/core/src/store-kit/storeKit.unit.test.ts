import { expect, test } from 'vitest';
import * as core from '../index.js';
import * as storeKit from './index.js';

test('what store authors need is in @janus/core/store-kit, and only there', () => {
  const kit = Object.keys(storeKit);
  expect(kit).toEqual(
    expect.arrayContaining([
      'planAppend',
      'readWindow',
      'AppendNotifier',
      'toJson',
      'fromJson',
      'withCheckpoint',
    ]),
  );
  expect(kit.filter((name) => name in core)).toEqual([]);
});
