import type { Readable } from 'node:stream';
import type { ImageRef } from '../../core/image-ref.ts';
import type { Descriptor } from './media-types.ts';

/** A manifest as stored: its exact bytes (never re-serialised), media type and digest. */
export interface ManifestData {
  readonly bytes: Buffer;
  readonly mediaType: string;
  /** `sha256:` of `bytes`. */
  readonly digest: string;
}

/** A manifest to store: bytes and media type; the digest is computed from the bytes. */
export interface ManifestInput {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

/**
 * Blob content to store. A Buffer, or a function returning a fresh stream on every call (so a failed
 * upload can be tried again), or a stream (one attempt only).
 */
export type BlobContent = Buffer | Uint8Array | Readable | (() => Promise<Readable>);

/** What {@link OciClient.putBlob} did. */
export type BlobPutResult = 'exists' | 'mounted' | 'uploaded';

/** How to store a blob. */
export interface PutBlobOptions {
  /** Try a cross-repository mount from this repository of the same registry first. */
  readonly mountFrom?: ImageRef;
}

/** How to list tags. */
export interface ListTagsOptions {
  /** Page size for `?n=`; the registry's default when left out. All pages are read either way. */
  readonly pageSize?: number;
}

/** How to copy. */
export interface CopyOptions {
  /** The client holding the source; default the client `copyImage` is called on. */
  readonly from?: OciClient;
  /** Blobs moved at once (default 4). */
  readonly concurrency?: number;
}

/** What a copy did, for outputs, summaries and benchmarks. */
export interface CopyResult {
  /** Digest of the top manifest, the same at source and target. */
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** Manifests written (index and per-platform ones). */
  readonly manifests: number;
  readonly blobs: { readonly uploaded: number; readonly mounted: number; readonly existing: number; readonly skippedForeign: number };
  /** Blob bytes streamed from source to target (zero when everything was mounted or present). */
  readonly bytesCopied: number;
}

/**
 * One interface over OCI image storage: a registry speaking the distribution API
 * ({@link RegistryClient}) or an OCI image layout directory ({@link OciLayoutStore}). References are
 * {@link ImageRef}s; a reference without tag or digest means `latest`.
 */
export interface OciClient {
  /** The manifest descriptor a reference points at (`HEAD`, no body). Throws {@link NotFoundError}. */
  resolve(ref: ImageRef): Promise<Descriptor>;
  /** Like {@link resolve}, but `undefined` when nothing is there. */
  tryResolve(ref: ImageRef): Promise<Descriptor | undefined>;
  /** The manifest's exact bytes, verified against the digest. */
  getManifest(ref: ImageRef): Promise<ManifestData>;
  /** Stores a manifest under `ref.tag`, or by digest when there is no tag. Returns the digest. */
  putManifest(ref: ImageRef, manifest: ManifestInput): Promise<string>;
  /** True when the repository holds the blob. */
  hasBlob(ref: ImageRef, digest: string): Promise<boolean>;
  /** The blob as a stream that fails at the end when digest or size is wrong. */
  getBlob(ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable>;
  /** Stores a blob unless present, mounting it from another repository when asked and possible. */
  putBlob(
    ref: ImageRef,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    content: BlobContent,
    options?: PutBlobOptions,
  ): Promise<BlobPutResult>;
  /** Makes a blob of `from` (same registry) available in `ref` without moving bytes; false when not possible. */
  mountBlob(ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>, from: ImageRef): Promise<boolean>;
  /** Every tag of the repository, all pages read. */
  listTags(ref: ImageRef, options?: ListTagsOptions): Promise<string[]>;
  /** Copies an image (a manifest or an index with every platform) to `target`, digest preserved, tag last. */
  copyImage(source: ImageRef, target: ImageRef, options?: CopyOptions): Promise<CopyResult>;
  /** Points more tags at the manifest of `ref` by manifest PUT alone (no blob traffic). */
  tag(ref: ImageRef, tags: readonly string[]): Promise<Descriptor>;
  /**
   * Fails fast, with what to fix, unless `ref`'s repository accepts pushes from these credentials:
   * a preflight before a long build. Writes nothing lasting.
   */
  checkPush(ref: ImageRef): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
