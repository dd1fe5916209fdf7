// @enclave/client/node: the Node platform (ws WebSocket, files on disk), the profile directory
// store and the log file. Everything else is in the isomorphic '@enclave/client'.
export { FileStore, type FileStoreOptions } from './file-store.js';
export { nodePlatform, fileSource, fileSink, fileLogger } from './platform.js';
