import { randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../../core/errors.ts';
import { type ImageRef, validateDigest, validateTag } from '../../core/image-ref.ts';
import { copyImage } from './copy.ts';
import { sha256Digest, verifyDigest, verifyingStream } from './digest.ts';
import { DEFAULT_HTTP_RETRY, type HttpRetryPolicy, withHttpRetry } from './http.ts';
import { type Descriptor, detectMediaType, isIndexMediaType, MediaType, parseManifest } from './media-types.ts';
import { NotFoundError } from './registry-errors.ts';
import type { BlobContent, BlobPutResult, CopyOptions, CopyResult, ManifestData, ManifestInput, OciClient } from './types.ts';

/** The `registry` of an {@link ImageRef} that points into an OCI layout; `repository` is the directory. */
export const LAYOUT_REGISTRY = 'oci';

/** The annotation naming an image in a layout's `index.json` (OCI image spec, annotations.md). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** `index.json` as read: unknown fields are kept when it is written back. */
interface LayoutIndex {
  readonly [key: string]: unknown;
  readonly manifests: readonly Descriptor[];
}

function refName(entry: Descriptor): string | undefined {
  return entry.annotations?.[REF_NAME_ANNOTATION];
}

/**
 * An OCI image layout directory (OCI image spec, image-layout.md: `oci-layout`, `index.json`,
 * `blobs/<alg>/<hex>`) behind the same interface as a registry. Tags are `ref.name` annotations in
 * `index.json`, which lists the layout's top-level images: a manifest put by digest gets an untagged
 * entry until an index that contains it is put, and a tag moves by replacing its entry.
 */
export class OciLayoutStore implements OciClient {
  /** The layout directory. */
  readonly dir: string;
  readonly #retry: HttpRetryPolicy;
  #ready: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string, options: { retry?: Partial<HttpRetryPolicy> } = {}) {
    this.dir = dir;
    this.#retry = { ...DEFAULT_HTTP_RETRY, ...options.retry };
  }

  #blobPath(digest: string): string {
    validateDigest(digest);
    const [algorithm, hex] = digest.split(':') as [string, string];
    return join(this.dir, 'blobs', algorithm, hex);
  }

  async #readIndex(): Promise<LayoutIndex> {
    let text: string;
    try {
      text = await readFile(join(this.dir, 'index.json'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundError(`${this.dir} holds no OCI image layout (no index.json).`);
      throw error;
    }
    try {
      const json = JSON.parse(text) as LayoutIndex;
      return { ...json, manifests: Array.isArray(json.manifests) ? json.manifests : [] };
    } catch (error) {
      throw new UserError(`${join(this.dir, 'index.json')} is not valid JSON; the layout is damaged.`, { cause: error });
    }
  }

  /** The `index.json` entry for a tag or digest (any manifest blob for a digest); the only image without either. */
  async resolve(ref: ImageRef): Promise<Descriptor> {
    const index = await this.#readIndex();
    if (ref.digest) return this.#byDigest(index, ref.digest);
    if (ref.tag) {
      const entry = index.manifests.find((candidate) => refName(candidate) === ref.tag);
      if (!entry) throw new NotFoundError(`${this.dir} has no image tagged "${ref.tag}" (tags: ${this.#names(index) || 'none'}).`);
      return plain(entry);
    }
    // Like `oci:<dir>` in containers/image: without a name, the layout must hold exactly one image.
    if (index.manifests.length === 1) return plain(index.manifests[0]!);
    if (index.manifests.length === 0) throw new NotFoundError(`${this.dir} holds no images.`);
    throw new UserError(
      `${this.dir} holds ${index.manifests.length} images; name one as oci:${this.dir}:<tag> (tags: ${this.#names(index)}).`,
    );
  }

  #names(index: LayoutIndex): string {
    return index.manifests.map(refName).filter(Boolean).join(', ');
  }

  async #byDigest(index: LayoutIndex, digest: string): Promise<Descriptor> {
    const entry = index.manifests.find((candidate) => candidate.digest === digest);
    if (entry) return plain(entry);
    const bytes = await this.#readBlob(digest);
    return { mediaType: detectMediaType(bytes), digest, size: bytes.length };
  }

  async #readBlob(digest: string): Promise<Buffer> {
    try {
      const bytes = await readFile(this.#blobPath(digest));
      verifyDigest(bytes, digest, `${this.dir} blob`);
      return bytes;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${this.dir} has no blob ${digest}.`);
      throw error;
    }
  }

  /** {@link resolve}, with `undefined` when the layout, tag or digest is missing. */
  async tryResolve(ref: ImageRef): Promise<Descriptor | undefined> {
    try {
      return await this.resolve(ref);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** The manifest blob's bytes, verified against the digest. */
  async getManifest(ref: ImageRef): Promise<ManifestData> {
    const descriptor = await this.resolve(ref);
    const bytes = await this.#readBlob(descriptor.digest);
    return { bytes, mediaType: detectMediaType(bytes, descriptor.mediaType), digest: descriptor.digest };
  }

  /** Writes the manifest blob, then the `index.json` entry (see {@link placeEntry}). */
  async putManifest(ref: ImageRef, manifest: ManifestInput): Promise<string> {
    const digest = sha256Digest(manifest.bytes);
    if (ref.digest && ref.digest !== digest) throw new UserError(`cannot store a manifest with digest ${digest} as ${ref.digest}.`);
    if (ref.tag) validateTag(ref.tag);
    await this.#ensureLayout();
    await this.#writeBlob(digest, manifest.bytes);
    const entry: Descriptor = { mediaType: manifest.mediaType, digest, size: manifest.bytes.length };
    const children = isIndexMediaType(manifest.mediaType) ? childDigests(manifest) : new Set<string>();
    await this.#updateIndex((entries) => placeEntry(entries, entry, ref.tag, children));
    return digest;
  }

  /** True when `blobs/<alg>/<hex>` exists. */
  async hasBlob(_ref: ImageRef, digest: string): Promise<boolean> {
    const path = this.#blobPath(digest);
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  }

  /** The blob file as a verifying stream. */
  async getBlob(_ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable> {
    const path = this.#blobPath(descriptor.digest);
    if (!(await this.hasBlob(_ref, descriptor.digest))) throw new NotFoundError(`${this.dir} has no blob ${descriptor.digest}.`);
    return createReadStream(path).pipe(verifyingStream(descriptor, `${this.dir} blob ${descriptor.digest}`));
  }

  /** Writes a blob through a temporary file and a rename, so a reader never sees half of it. */
  async putBlob(ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>, content: BlobContent): Promise<BlobPutResult> {
    if (await this.hasBlob(ref, descriptor.digest)) {
      if (typeof (content as Readable).destroy === 'function') (content as Readable).destroy();
      return 'exists';
    }
    await this.#ensureLayout();
    if (typeof content !== 'function' && !isStream(content)) {
      const bytes = Buffer.from(content);
      verifyDigest(bytes, descriptor.digest, `blob for ${this.dir}`);
      await this.#writeBlob(descriptor.digest, bytes);
      return 'uploaded';
    }
    const attempts = typeof content === 'function' ? this.#retry.attempts : 1;
    await withHttpRetry({ ...this.#retry, attempts }, async () => {
      const stream = typeof content === 'function' ? await content() : content;
      await this.#streamBlob(descriptor, stream);
    });
    return 'uploaded';
  }

  /** True when the blob is present (one layout, one blob store). */
  async mountBlob(ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<boolean> {
    // One layout shares one blob directory: a blob is either there for every image or for none.
    return this.hasBlob(ref, descriptor.digest);
  }

  /** Every `org.opencontainers.image.ref.name` in `index.json`. */
  async listTags(_ref?: ImageRef): Promise<string[]> {
    const index = await this.#readIndex();
    return index.manifests.map(refName).filter((name): name is string => !!name);
  }

  /** Copies into this layout; `options.from` names the source client (default this layout). */
  copyImage(source: ImageRef, target: ImageRef, options: CopyOptions = {}): Promise<CopyResult> {
    return copyImage({ client: options.from ?? this, ref: source }, { client: this, ref: target }, options);
  }

  /** Adds `index.json` entries for more names of the same manifest. */
  async tag(ref: ImageRef, tags: readonly string[]): Promise<Descriptor> {
    const manifest = await this.getManifest(ref);
    for (const tag of tags) await this.putManifest({ registry: ref.registry, repository: ref.repository, tag }, manifest);
    return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length };
  }

  /** Creates the layout if needed and checks that it is writable. */
  async checkPush(): Promise<void> {
    await this.#ensureLayout();
    try {
      await access(join(this.dir, 'index.json'), constants.W_OK);
      await access(join(this.dir, 'blobs', 'sha256'), constants.W_OK);
    } catch (error) {
      throw new UserError(`cannot write to the OCI layout ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Nothing to release. */
  async close(): Promise<void> {}

  /**
   * Creates the layout in a new or empty directory, once per store even when blobs are written in
   * parallel; refuses a directory that holds something else.
   */
  #ensureLayout(): Promise<void> {
    if (!this.#ready) {
      this.#ready = this.#createLayout();
      this.#ready.catch(() => {
        this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  async #createLayout(): Promise<void> {
    const marker = join(this.dir, 'oci-layout');
    if (!(await exists(marker))) {
      const present = await readdir(this.dir).catch(() => []);
      if (present.length > 0) {
        throw new UserError(`${this.dir} is not an OCI image layout (no oci-layout file) and not empty; name a new or empty directory.`);
      }
      await mkdir(this.dir, { recursive: true });
      // The marker first: from then on the directory is a layout, whatever else is still missing.
      await writeFile(marker, `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`);
    }
    await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    const index = join(this.dir, 'index.json');
    if (!(await exists(index))) {
      await writeFile(index, `${JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] })}\n`, {
        flag: 'wx',
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  }

  async #writeBlob(digest: string, bytes: Buffer): Promise<void> {
    const path = this.#blobPath(digest);
    if (await exists(path)) return;
    await mkdir(join(path, '..'), { recursive: true });
    const temp = this.#tempPath();
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  async #streamBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, stream: Readable): Promise<void> {
    const path = this.#blobPath(descriptor.digest);
    await mkdir(join(path, '..'), { recursive: true });
    const temp = this.#tempPath();
    try {
      await pipeline(stream, verifyingStream(descriptor, `blob for ${this.dir}`), createWriteStream(temp));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  #tempPath(): string {
    return join(this.dir, `.baton-${randomBytes(6).toString('hex')}.tmp`);
  }

  /** Read-modify-write of `index.json`, one at a time, replaced atomically by rename. */
  #updateIndex(change: (entries: readonly Descriptor[]) => Descriptor[]): Promise<void> {
    const run = this.#queue.then(async () => {
      const index = await this.#readIndex();
      const temp = this.#tempPath();
      await writeFile(temp, `${JSON.stringify({ ...index, manifests: change(index.manifests) }, null, 2)}\n`);
      await rename(temp, join(this.dir, 'index.json'));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function plain(entry: Descriptor): Descriptor {
  return { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
}

function isStream(content: BlobContent): content is Readable {
  return typeof (content as Readable).pipe === 'function';
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function childDigests(manifest: ManifestInput): Set<string> {
  const parsed = parseManifest(manifest.bytes, manifest.mediaType);
  return new Set(parsed.kind === 'index' ? parsed.index.manifests.map((child) => child.digest) : []);
}

/**
 * The new `index.json` entries after putting `entry`: a tag replaces the entry holding that tag; an
 * untagged put adds an entry unless the digest is listed; an index absorbs its children's untagged
 * entries.
 */
export function placeEntry(
  entries: readonly Descriptor[],
  entry: Descriptor,
  tag: string | undefined,
  children: ReadonlySet<string>,
): Descriptor[] {
  let next = entries.filter((candidate) => refName(candidate) !== undefined || !children.has(candidate.digest));
  if (tag === undefined) {
    return next.some((candidate) => candidate.digest === entry.digest) ? next : [...next, entry];
  }
  next = next.filter((candidate) => refName(candidate) !== tag && !(refName(candidate) === undefined && candidate.digest === entry.digest));
  return [...next, { ...entry, annotations: { [REF_NAME_ANNOTATION]: tag } }];
}
