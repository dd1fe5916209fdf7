// Storage of encrypted file chunks: the BlobStore contract, its two implementations (a local
// directory, an S3 bucket) and the factory that picks one from configuration. The server only ever
// handles ciphertext here; this module must never decrypt, inspect or log chunk contents.
import { join } from 'node:path';
import { s3ClientFor } from '../object-store.js';
import { LocalDirBlobStore } from './local-dir.js';
import { S3BlobStore } from './s3.js';
import type { BlobStore } from './store.js';

export { LocalDirBlobStore } from './local-dir.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3.js';
export { BlobIntegrityError, BlobNotFoundError, CHUNK_INDEX_DIGITS, isValidBlobId, MAX_CHUNK_BYTES, MAX_CHUNK_INDEX, type BlobStore } from './store.js';

export type BlobStoreConfig =
  | { kind: 'dir'; dir: string }
  | { kind: 's3'; bucket: string; prefix?: string | undefined; endpoint?: string | undefined; region?: string | undefined };

/** The default directory of a LocalDirBlobStore: <dataDir>/blobs. */
export function defaultBlobDir(dataDir: string): string {
  return join(dataDir, 'blobs');
}

/** Opens the configured store. An S3 store gets its own client (credentials from the default AWS chain), destroyed on close(). */
export function openBlobStore(config: BlobStoreConfig): BlobStore {
  switch (config.kind) {
    case 'dir':
      return new LocalDirBlobStore(config.dir);
    case 's3':
      return new S3BlobStore({ client: s3ClientFor({ endpoint: config.endpoint, region: config.region }), bucket: config.bucket, prefix: config.prefix, ownsClient: true });
  }
}
