// @enclave/protocol: the client protocol (wire schemas) and the end-to-end cryptography. Pure: no I/O.
export * from './wire.js';
export * from './crypto/index.js';
export * from './company-id.js';
