// @enclave/client/node: the Node platform (ws WebSocket, files on disk), the profile stores (a
// directory of record files, or one SQLite file for high message rates) and the log file.
// Everything else is in the isomorphic '@enclave/client'.
export { FileStore, type FileStoreOptions } from './file-store.js';
export { SqliteStore, SQLITE_PROFILE_FILE, type SqliteStoreOptions } from './sqlite-store.js';
export { nodePlatform, fileSource, fileSink, fileLogger } from './platform.js';
