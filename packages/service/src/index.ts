// The public API of @janus/service: everything a service needs around its features.
export { openStores, type Stores, type StoresOptions } from './openStores.js';
export { redactUrl } from './redactUrl.js';
export {
  ApiKeysError,
  KEY_FILE,
  KEY_SECRET_FILE,
  MIN_KEY_LENGTH,
  MIN_SECRET_LENGTH,
  keyFingerprint,
  loadOrCreateKeyFile,
  newKey,
  parseApiKeys,
  parseKeyFile,
  principalOf,
  principalsByKey,
  serviceKeys,
  type ApiKey,
  type ApiKeySet,
  type KeyFileSet,
  type KeySources,
  type Roles,
} from './apiKeys.js';
export {
  listenWithGracefulShutdown,
  type GracefulShutdownOptions,
  type RunningServer,
} from './listenWithGracefulShutdown.js';
export { operationsRoutes, type OperationsRoutesOptions } from './operationsRoutes.js';
export { listenService, type ListeningService, type ServiceParts } from './listenService.js';
export {
  defineService,
  type Env,
  type PluginDeps,
  type RunningService,
  type Service,
  type ServiceDefinition,
  type ServiceDeps,
  type ServiceEnvironment,
  type ServiceStores,
  type StartOptions,
  type StoreKind,
} from './defineService.js';
export {
  ConfigError,
  LOG_LEVELS,
  readServiceConfig,
  variable,
  type LogLevel,
  type ServiceConfig,
  type ServiceConfigOptions,
} from './serviceConfig.js';
export { keyBanner } from './keyBanner.js';
export { startService } from './startService.js';
export { runService, serviceBanner } from './runService.js';
export { readConfig } from './readConfig.js';
export { serviceLogger, type ServiceLoggerOptions } from './serviceLogger.js';
export { describeNotice, logNotice, type NoticeLogger } from './runnerNotices.js';
