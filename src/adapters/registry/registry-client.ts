import type { Readable } from 'node:stream';
import { UserError } from '../../core/errors.ts';
import { formatImageRef, type ImageRef, validateTag } from '../../core/image-ref.ts';
import { Authenticator } from './auth.ts';
import { uploadBlob } from './blob-upload.ts';
import { copyImage } from './copy.ts';
import { type CredentialOptions, CredentialResolver } from './credentials.ts';
import { DigestMismatchError, sha256Digest, verifyDigest, verifyingStream } from './digest.ts';
import { DEFAULT_HTTP_RETRY, discard, HttpClient, type HttpResponse, type HttpRetryPolicy, header, networkFailure } from './http.ts';
import { USER_AGENT } from '../version.ts';
import { baseMediaType, type Descriptor, detectMediaType, isManifestMediaType, MANIFEST_ACCEPT } from './media-types.ts';
import { isNotFound } from './registry-errors.ts';
import { type Operation, RegistrySession } from './registry-session.ts';
import { nextPageUrl, readBodyLimited } from './responses.ts';
import { Dispatchers, type TlsOptions } from './tls.ts';
import { TokenCache } from './token-cache.ts';
import type {
  BlobContent,
  BlobPutResult,
  CopyOptions,
  CopyResult,
  ListTagsOptions,
  ManifestData,
  ManifestInput,
  OciClient,
  PutBlobOptions,
} from './types.ts';

/** Everything a {@link RegistryClient} can be told. */
export interface RegistryClientOptions extends CredentialOptions, TlsOptions {
  /** Retry policy for transient faults; see {@link DEFAULT_HTTP_RETRY}. */
  readonly retry?: Partial<HttpRetryPolicy>;
  readonly userAgent?: string;
  /** Blobs larger than this go up in `PATCH` chunks of this size (default 32 MiB; 0: never chunk). */
  readonly chunkSize?: number;
  /** Shared token cache; one per client by default. */
  readonly tokenCache?: TokenCache;
}

/** The default chunk size for large blob uploads. */
export const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;

/**
 * Manifests larger than this are refused: the distribution spec lets registries reject manifests over
 * 4 MiB ("Pushing manifests"), so nothing bigger is a real image.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The tag or digest to ask for: the digest when both are given, `latest` when neither. */
export function referenceOf(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

function manifestUrl(base: URL, ref: ImageRef, reference = referenceOf(ref)): URL {
  return new URL(`${ref.repository}/manifests/${reference}`, base);
}

function show(ref: ImageRef): string {
  return formatImageRef(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' });
}

/**
 * An OCI distribution client for any number of registries: one session per registry (ping, auth,
 * retries), a token cache and one TLS dispatcher per host shared by all of them.
 */
export class RegistryClient implements OciClient {
  readonly #sessions = new Map<string, RegistrySession>();
  readonly #dispatchers: Dispatchers;
  readonly #http: HttpClient;
  readonly #authenticator: Authenticator;
  readonly #credentials: CredentialResolver;
  readonly #retry: HttpRetryPolicy;
  readonly #chunkSize: number;

  constructor(options: RegistryClientOptions = {}) {
    this.#dispatchers = new Dispatchers(options);
    this.#http = new HttpClient({ dispatchers: this.#dispatchers, userAgent: options.userAgent ?? USER_AGENT });
    this.#authenticator = new Authenticator({ http: this.#http, cache: options.tokenCache ?? new TokenCache() });
    this.#credentials = new CredentialResolver(options);
    this.#retry = { ...DEFAULT_HTTP_RETRY, ...options.retry };
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  }

  /** The session for a registry, created on first use. */
  session(registry: string): RegistrySession {
    let session = this.#sessions.get(registry);
    if (!session) {
      session = new RegistrySession(registry, {
        http: this.#http,
        dispatchers: this.#dispatchers,
        authenticator: this.#authenticator,
        credentials: this.#credentials,
        retry: this.#retry,
      });
      this.#sessions.set(registry, session);
    }
    return session;
  }

  /** `HEAD` the manifest; falls back to `GET` and hashing when the registry sends no digest. */
  async resolve(ref: ImageRef): Promise<Descriptor> {
    const op: Operation = { repository: ref.repository, access: 'pull', what: `resolve ${show(ref)}` };
    const response = await this.session(ref.registry).send(
      op,
      (base) => ({ method: 'HEAD', url: manifestUrl(base, ref), headers: { accept: MANIFEST_ACCEPT } }),
      { expect: [200] },
    );
    await discard(response);
    const digest = header(response, 'docker-content-digest');
    const mediaType = header(response, 'content-type');
    const size = Number(header(response, 'content-length'));
    // Docker-Content-Digest is optional (distribution spec, "Pulling manifests"): without it, or
    // without a usable type, GET the bytes and hash them.
    if (!digest || !mediaType || !isManifestMediaType(mediaType) || !Number.isFinite(size)) {
      return this.#describe(await this.getManifest(ref));
    }
    if (ref.digest && digest !== ref.digest) throw new DigestMismatchError(`${show(ref)}: the registry answered with digest ${digest}`);
    return { mediaType: baseMediaType(mediaType), digest, size };
  }

  /** {@link resolve}, with `undefined` for a missing tag, digest or repository. */
  async tryResolve(ref: ImageRef): Promise<Descriptor | undefined> {
    try {
      return await this.resolve(ref);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  #describe(manifest: ManifestData): Descriptor {
    return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length };
  }

  /** `GET` the manifest with every supported `Accept` type; bytes verified against the digest. */
  async getManifest(ref: ImageRef): Promise<ManifestData> {
    const what = `pull the manifest of ${show(ref)}`;
    const op: Operation = { repository: ref.repository, access: 'pull', what };
    return this.session(ref.registry).fetch(
      op,
      (base) => ({ method: 'GET', url: manifestUrl(base, ref), headers: { accept: MANIFEST_ACCEPT } }),
      { expect: [200] },
      async (response) => readManifest(response, ref, what),
    );
  }

  /** `PUT` the manifest by tag (or by its digest); fails if the registry stores other bytes. */
  async putManifest(ref: ImageRef, manifest: ManifestInput): Promise<string> {
    const digest = sha256Digest(manifest.bytes);
    if (ref.digest && ref.digest !== digest) {
      throw new UserError(`cannot push a manifest with digest ${digest} as ${show(ref)}: the digests differ.`);
    }
    const reference = ref.tag ?? digest;
    const op: Operation = {
      repository: ref.repository,
      access: 'push',
      what: `push the manifest ${reference} to ${ref.registry}/${ref.repository}`,
    };
    const response = await this.session(ref.registry).send(
      op,
      (base) => ({
        method: 'PUT',
        url: manifestUrl(base, ref, reference),
        headers: { 'content-type': manifest.mediaType },
        body: manifest.bytes,
      }),
      { expect: [201] },
    );
    await discard(response);
    const stored = header(response, 'docker-content-digest');
    if (stored?.startsWith('sha256:') && stored !== digest) {
      throw new UserError(`${ref.registry} stored the manifest ${reference} as ${stored}, not ${digest}; it rewrote the manifest.`);
    }
    return digest;
  }

  /** `HEAD` the blob. */
  async hasBlob(ref: ImageRef, digest: string): Promise<boolean> {
    const op: Operation = { repository: ref.repository, access: 'pull', what: `check blob ${digest} in ${ref.registry}/${ref.repository}` };
    const response = await this.session(ref.registry).send(
      op,
      (base) => ({ method: 'HEAD', url: new URL(`${ref.repository}/blobs/${digest}`, base) }),
      { expect: [200, 404] },
    );
    await discard(response);
    return response.status === 200;
  }

  /** `GET` the blob as a verifying stream; redirects to storage are followed without credentials. */
  async getBlob(ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable> {
    const op: Operation = {
      repository: ref.repository,
      access: 'pull',
      what: `pull blob ${descriptor.digest} from ${ref.registry}/${ref.repository}`,
    };
    const response = await this.session(ref.registry).send(
      op,
      (base) => ({ method: 'GET', url: new URL(`${ref.repository}/blobs/${descriptor.digest}`, base) }),
      { expect: [200] },
    );
    const verified = verifyingStream(descriptor, `blob ${descriptor.digest} from ${ref.registry}/${ref.repository}`);
    response.body.on('error', (error) => verified.destroy(networkFailure(error, response.url)));
    return response.body.pipe(verified);
  }

  /** Skips a blob the repository has, else mounts (same registry, when asked) or uploads it. */
  async putBlob(
    ref: ImageRef,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    content: BlobContent,
    options: PutBlobOptions = {},
  ): Promise<BlobPutResult> {
    if (await this.hasBlob(ref, descriptor.digest)) {
      if (typeof (content as Readable).destroy === 'function') (content as Readable).destroy();
      return 'exists';
    }
    const from = options.mountFrom;
    const mountFrom = from && from.registry === ref.registry && from.repository !== ref.repository ? from.repository : undefined;
    const job = {
      session: this.session(ref.registry),
      repository: ref.repository,
      digest: descriptor.digest,
      size: descriptor.size,
      content,
      chunkSize: this.#chunkSize,
      ...(mountFrom ? { mountFrom } : {}),
    };
    return uploadBlob(job, this.#retry);
  }

  /** `POST ?mount=&from=`; a 202 (no mount) cancels the session it opened and answers false. */
  async mountBlob(ref: ImageRef, descriptor: Pick<Descriptor, 'digest' | 'size'>, from: ImageRef): Promise<boolean> {
    if (from.registry !== ref.registry) return false;
    if (await this.hasBlob(ref, descriptor.digest)) return true;
    const session = this.session(ref.registry);
    const op: Operation = {
      repository: ref.repository,
      access: 'push',
      what: `mount blob ${descriptor.digest} from ${from.repository} into ${ref.registry}/${ref.repository}`,
      extraScopes: [`repository:${from.repository}:pull`],
    };
    const response = await session.send(
      op,
      (base) => {
        const url = new URL(`${ref.repository}/blobs/uploads/`, base);
        url.searchParams.set('mount', descriptor.digest);
        url.searchParams.set('from', from.repository);
        return { method: 'POST', url, headers: { 'content-length': '0' } };
      },
      { expect: [201, 202] },
    );
    await discard(response);
    if (response.status === 202) await cancelUpload(session, op, response);
    return response.status === 201;
  }

  /** `GET tags/list`, following `Link` pages; `pageSize` sets `?n=`. */
  async listTags(ref: ImageRef, options: ListTagsOptions = {}): Promise<string[]> {
    const session = this.session(ref.registry);
    const op: Operation = { repository: ref.repository, access: 'pull', what: `list the tags of ${ref.registry}/${ref.repository}` };
    const first = new URL(`${ref.repository}/tags/list`, await session.base());
    if (options.pageSize) first.searchParams.set('n', String(options.pageSize));
    const tags: string[] = [];
    for (let url: URL | undefined = first, pages = 0; url; pages++) {
      if (pages >= 10_000) throw new UserError(`${ref.registry} kept sending tag pages for ${ref.repository}; stopped after 10000.`);
      const current: URL = url;
      const page = await session.fetch(
        op,
        () => ({ method: 'GET', url: current }),
        { expect: [200] },
        async (response) => ({
          json: JSON.parse((await readBodyLimited(response, 16 * MAX_MANIFEST_BYTES, op.what)).toString('utf8')) as {
            tags?: string[] | null;
          },
          next: nextPageUrl(header(response, 'link'), current),
        }),
      );
      tags.push(...(page.json.tags ?? []));
      url = page.next;
    }
    return tags;
  }

  /** Copies into this client; `options.from` names the source client (default this one). */
  copyImage(source: ImageRef, target: ImageRef, options: CopyOptions = {}): Promise<CopyResult> {
    return copyImage({ client: options.from ?? this, ref: source }, { client: this, ref: target }, options);
  }

  /** Adds tags by manifest `PUT` only; a tag already on the same digest is left alone. */
  async tag(ref: ImageRef, tags: readonly string[]): Promise<Descriptor> {
    const manifest = await this.getManifest(ref);
    for (const tag of tags) {
      validateTag(tag, 'tags');
      const target: ImageRef = { registry: ref.registry, repository: ref.repository, tag };
      // Re-pushing an unchanged tag is a no-op, and on an immutable repository it would be refused.
      if ((await this.tryResolve(target))?.digest === manifest.digest) continue;
      await this.putManifest(target, manifest);
    }
    return this.#describe(manifest);
  }

  /**
   * Opens a blob upload and cancels it at once: that needs the ping, valid credentials and a token
   * with push scope, which is everything a push needs (distribution spec, "Pushing blobs").
   */
  async checkPush(ref: ImageRef): Promise<void> {
    const session = this.session(ref.registry);
    const op: Operation = { repository: ref.repository, access: 'push', what: `push to ${ref.registry}/${ref.repository}` };
    const response = await session.send(
      op,
      (base) => ({ method: 'POST', url: new URL(`${ref.repository}/blobs/uploads/`, base), headers: { 'content-length': '0' } }),
      { expect: [202] },
    );
    await discard(response);
    await cancelUpload(session, op, response);
  }

  /** Closes every connection of every registry. */
  async close(): Promise<void> {
    await this.#dispatchers.close();
  }
}

async function readManifest(response: HttpResponse, ref: ImageRef, what: string): Promise<ManifestData> {
  const bytes = await readBodyLimited(response, MAX_MANIFEST_BYTES, what);
  const digest = sha256Digest(bytes);
  if (ref.digest) verifyDigest(bytes, ref.digest, show(ref));
  const announced = header(response, 'docker-content-digest');
  if (announced?.startsWith('sha256:') && announced !== digest) {
    throw new DigestMismatchError(`${show(ref)}: the manifest has digest ${digest}, the registry said ${announced}`);
  }
  return { bytes, mediaType: detectMediaType(bytes, header(response, 'content-type')), digest };
}

async function cancelUpload(session: RegistrySession, op: Operation, response: HttpResponse): Promise<void> {
  const location = header(response, 'location');
  if (!location) return;
  const url = new URL(location, response.url);
  try {
    await discard(await session.send(op, () => ({ method: 'DELETE', url }), { expect: [204, 404, 400, 405], retry: false }));
  } catch {
    // An abandoned upload session expires on its own.
  }
}
