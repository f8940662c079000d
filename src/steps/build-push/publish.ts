/**
 * Getting a built image into its repository: manifests and blobs by digest first, tags after, the
 * source-key tag last. A tag already on the digest is left alone; a tag the registry refuses to move
 * is an immutable tag, and the message says so.
 */
import type { ImageLocation } from '../../adapters/registry/copy.ts';
import type { ManifestData } from '../../adapters/registry/types.ts';
import { UserError } from '../../core/errors.ts';
import { formatImageRef, type ImageRef, shortDigest } from '../../core/image-ref.ts';

/** What happened to one tag. */
export interface TagOutcome {
  readonly tag: string;
  /** `created`: new; `moved`: pointed elsewhere before; `kept`: already on this digest. */
  readonly status: 'created' | 'moved' | 'kept';
  /** The digest it pointed at before a move. */
  readonly previous?: string;
}

const AUTH_FAILURE = / denied | rejected the credentials | needs credentials | does not allow anonymous /;

function withTag(ref: ImageRef, tag: string): ImageRef {
  return { registry: ref.registry, repository: ref.repository, tag };
}

function byDigest(ref: ImageRef, digest: string): ImageRef {
  return { registry: ref.registry, repository: ref.repository, digest };
}

function immutable(target: ImageLocation, tag: string, previous: string, digest: string, cause: unknown): UserError {
  const name = formatImageRef(withTag(target.ref, tag));
  return new UserError(
    `tags: ${name} already points at ${shortDigest(previous)} and the registry refused to move it to ${shortDigest(digest)}: ` +
      'the repository keeps tags immutable. Use tags that are new for each build (sha-<7>, a version), or allow tag updates on the ' +
      'repository.',
    { input: 'tags', cause },
  );
}

async function putTag(target: ImageLocation, manifest: ManifestData, tag: string): Promise<TagOutcome> {
  const current = await target.client.tryResolve(withTag(target.ref, tag));
  if (current?.digest === manifest.digest) return { tag, status: 'kept' };
  try {
    await target.client.putManifest(withTag(target.ref, tag), manifest);
  } catch (error) {
    // A refusal to move an existing tag (TAG_INVALID, MANIFEST_INVALID, 409/412 answers) is immutability;
    // an auth failure is not, and keeps its own message.
    if (current && error instanceof UserError && !AUTH_FAILURE.test(error.message))
      throw immutable(target, tag, current.digest, manifest.digest, error);
    throw error;
  }
  return current ? { tag, status: 'moved', previous: current.digest } : { tag, status: 'created' };
}

/** Points every tag at `digest` by manifest PUT, in order (no blob traffic). */
export async function applyTags(target: ImageLocation, digest: string, tags: readonly string[]): Promise<TagOutcome[]> {
  const manifest = await target.client.getManifest(byDigest(target.ref, digest));
  const outcomes: TagOutcome[] = [];
  for (const tag of tags) outcomes.push(await putTag(target, manifest, tag));
  return outcomes;
}

/**
 * Copies the image from where the builder left it into the target by digest (a no-op when the
 * builder wrote there itself), and returns the digest the target reports for it.
 */
export async function pushByDigest(image: ImageLocation & { readonly digest: string }, target: ImageLocation): Promise<string> {
  const destination = byDigest(target.ref, image.digest);
  const sameStore =
    image.client === target.client && image.ref.registry === target.ref.registry && image.ref.repository === target.ref.repository;
  if (!sameStore) await target.client.copyImage(image.ref, destination, { from: image.client });
  const stored = await target.client.resolve(destination);
  return stored.digest;
}
