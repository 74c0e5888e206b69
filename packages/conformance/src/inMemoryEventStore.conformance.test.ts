import { InMemoryEventStore } from '@janus/core';
import { describeEventStoreConformance } from './index.js';

describeEventStoreConformance('InMemoryEventStore', { create: (options) => new InMemoryEventStore(options) });
