// @enclave/client browser helpers: the IndexedDB backend of LocalStore. Uses DOM APIs only.
export { IndexedDbStore } from './indexeddb-store.js';
