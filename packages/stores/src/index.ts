// The public API of @janus/stores.
export { openStores, type Stores, type StoresOptions } from './openStores.js';
export { redactUrl } from './redactUrl.js';
