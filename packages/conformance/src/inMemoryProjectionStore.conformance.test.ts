import { InMemoryProjectionStore } from '@janus/core';
import { describeProjectionStoreConformance } from './index.js';

describeProjectionStoreConformance('InMemoryProjectionStore', {
  create: () => Promise.resolve({ store: new InMemoryProjectionStore(), close: () => Promise.resolve() }),
  sql: 'unsupported',
});
