// @enclave/client: the isomorphic SDK of Enclave (no Node imports; Node helpers are in
// '@enclave/client/node', the IndexedDB store in src/browser). See docs/client.md.
export { EnclaveClient, type ClientOptions } from './client.js';
export { EnclaveError, isEnclaveError, textFor } from './errors.js';
export { TypedEmitter, type Listener } from './emitter.js';
export { jsonLineLogger, silentLogger, type Logger, type LogLevel, type LogFields } from './logger.js';
export { MemoryStore, type LocalStore } from './store/local-store.js';
export { EncryptedStore, DEFAULT_KDF, type KdfParams } from './store/encrypted-store.js';
export { isPreviewable, mayPreview, type UploadOptions } from './files.js';
export { checkTimers, type SendOptions } from './outbound.js';
export type { TextOptions, FileOptions } from './messaging.js';
export type { ConversationPatch, UserRef } from './conversations.js';
export type { DeviceOptions } from './account.js';
export { completeSso, startSso, SSO_KEY, type SsoStartResult } from './sso.js';
export type { ClientEvents, FileSink, FileSource, Me, Message, OwnDeviceState, PendingDevice, Platform, Profile, Progress, Received, SafetyNotice, SafetyNumber, Sender, WebSocketLike } from './types.js';
export type { NewDeviceMode } from './own-devices.js';
export { receivedRef } from './types.js';
