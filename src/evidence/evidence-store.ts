/** Where evidence bytes live: content-addressed by SHA-256. A filesystem store by default. */
export interface StoredBlob {
  readonly sha256: string;
  readonly bytes: number;
  /** False when the blob was already there (the upload was a no-op). */
  readonly created: boolean;
}

export interface EvidenceBlobStore {
  /** Streams `source` in, checks it hashes to `sha256`, and stores it atomically; nothing is kept on any error. */
  put(sha256: string, source: AsyncIterable<Uint8Array>): Promise<StoredBlob>;
  /** Size of a stored blob, or undefined when there is none. */
  stat(sha256: string): Promise<number | undefined>;
  /** The blob's bytes as a stream; NotFound when there is none. */
  open(sha256: string): Promise<AsyncIterable<Uint8Array>>;
}
