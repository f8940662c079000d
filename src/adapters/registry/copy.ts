import { UserError } from '../../core/errors.ts';
import type { ImageRef } from '../../core/image-ref.ts';
import { type Descriptor, isForeignLayer, manifestBlobs, parseManifest } from './media-types.ts';
import type { CopyResult, ManifestData, OciClient } from './types.ts';

/** An image in some store: the client that holds it and the reference inside that client. */
export interface ImageLocation {
  readonly client: OciClient;
  readonly ref: ImageRef;
}

/** A limit on how many things run at once. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

function byDigest(ref: ImageRef, digest: string): ImageRef {
  return { registry: ref.registry, repository: ref.repository, digest };
}

/**
 * Copies an image between two locations: every manifest of an index (all platforms and attestations,
 * so the index digest stays the same), blobs first, manifests by digest bottom-up, the tag last so no
 * tag ever points at something incomplete (distribution spec, "Pushing manifests": referenced
 * content must exist). Blobs stream from source to target without touching disk; within one registry
 * they are mounted instead.
 */
class ImageCopy {
  readonly #source: ImageLocation;
  readonly #target: ImageLocation;
  readonly #limit: <T>(task: () => Promise<T>) => Promise<T>;
  readonly #blobs = new Map<string, Promise<void>>();
  readonly #mountable: boolean;
  readonly stats = { manifests: 0, uploaded: 0, mounted: 0, existing: 0, skippedForeign: 0, bytesCopied: 0 };

  constructor(source: ImageLocation, target: ImageLocation, concurrency: number) {
    this.#source = source;
    this.#target = target;
    this.#limit = limiter(Math.max(1, concurrency));
    this.#mountable =
      source.client === target.client && source.ref.registry === target.ref.registry && source.ref.repository !== target.ref.repository;
  }

  /** Copies a manifest and everything below it; the manifest goes up by digest. */
  async manifest(data: ManifestData): Promise<void> {
    const parsed = parseManifest(data.bytes, data.mediaType);
    if (parsed.kind === 'index') {
      await Promise.all(
        parsed.index.manifests.map(async (child) =>
          this.manifest(await this.#source.client.getManifest(byDigest(this.#source.ref, child.digest))),
        ),
      );
    } else {
      await Promise.all(manifestBlobs(parsed).map((blob) => this.blob(blob)));
    }
    await this.#target.client.putManifest(byDigest(this.#target.ref, data.digest), data);
    this.stats.manifests++;
  }

  /** Copies one blob once, however many manifests share it. */
  blob(descriptor: Descriptor): Promise<void> {
    let done = this.#blobs.get(descriptor.digest);
    if (!done) {
      done = this.#limit(() => this.#copyBlob(descriptor));
      this.#blobs.set(descriptor.digest, done);
    }
    return done;
  }

  async #copyBlob(descriptor: Descriptor): Promise<void> {
    if (isForeignLayer(descriptor)) {
      this.stats.skippedForeign++;
      return;
    }
    const source = this.#source;
    const outcome = await this.#target.client.putBlob(
      this.#target.ref,
      descriptor,
      () => source.client.getBlob(source.ref, descriptor),
      this.#mountable ? { mountFrom: source.ref } : {},
    );
    if (outcome === 'uploaded') {
      this.stats.uploaded++;
      this.stats.bytesCopied += descriptor.size;
    } else if (outcome === 'mounted') this.stats.mounted++;
    else this.stats.existing++;
  }
}

/** Where the copy's top manifest is tagged: the target's tag, else the source's, else none. */
function targetTag(source: ImageRef, target: ImageRef): string | undefined {
  if (target.tag) return target.tag;
  if (target.digest) return undefined;
  return source.tag;
}

/** Copies an image from `source` to `target` (see {@link ImageCopy}); a target without tag takes the source's. */
export async function copyImage(source: ImageLocation, target: ImageLocation, options: { concurrency?: number } = {}): Promise<CopyResult> {
  const top = await source.client.getManifest(source.ref);
  if (target.ref.digest && target.ref.digest !== top.digest) {
    throw new UserError(`cannot copy ${top.digest} to a reference pinned to ${target.ref.digest}: the digests differ.`);
  }
  const copy = new ImageCopy(source, target, options.concurrency ?? 4);
  await copy.manifest(top);
  const tag = targetTag(source.ref, target.ref);
  if (tag) await target.client.putManifest({ registry: target.ref.registry, repository: target.ref.repository, tag }, top);
  const { manifests, uploaded, mounted, existing, skippedForeign, bytesCopied } = copy.stats;
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    size: top.bytes.length,
    manifests,
    blobs: { uploaded, mounted, existing, skippedForeign },
    bytesCopied,
  };
}
