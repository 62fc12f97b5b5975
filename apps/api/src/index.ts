/**
 * @timebank/api: the HTTP API over @timebank/ledger.
 *
 * @example
 * import { createApp, createKeyStore, createUserStore, listen } from '@timebank/api'
 */
export { type AppOptions, type AppType, createApp, DEFAULT_BODY_LIMIT } from './app.js'
export { type Client, type ClientOptions, createClient } from './client.js'
export { ApiError, ApiErrorCode, type AnyErrorCode, STATUS, isApiError } from './errors.js'
export { type KeyStore, createKeyStore } from './keys/store.js'
export { type ApiKey, type Role, ROLES } from './keys/types.js'
export { migrateApi } from './keys/migrate.js'
export { type UserStore, createUserStore } from './users/store.js'
export type { User } from './users/types.js'
export { DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from './users/sign-in.js'
export { peerAddress } from './client-address.js'
export { bootstrap } from './bootstrap.js'
export { DRAIN_GRACE_MS, listen, type RunningServer } from './http-server.js'
export { openStorage, type Storage, type StorageConfig } from './storage.js'
export { jsonLogger, silentLogger, type Logger } from './logger.js'
