import type { ImageRef } from '../../core/image-ref.ts';
import { withRetry } from '../retry.ts';
import { type AuthChallenge, parseAuthChallenge } from './challenge.ts';
import type { BasicCredentials, ManifestCheck, ManifestHead } from './types.ts';

/** Manifest media types a HEAD accepts: OCI index and manifest, Docker list and manifest. */
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** How the HEAD client reaches registries. */
export interface ManifestHeadOptions {
  /** Credentials per registry host (`ghcr.io`, `127.0.0.1:5000`). */
  readonly credentials?: ReadonlyMap<string, BasicCredentials>;
  /** Registries spoken to over plain HTTP; loopback registries always are. */
  readonly insecure?: readonly string[];
  readonly fetch?: typeof fetch;
  readonly attempts?: number;
}

class RetryableStatus extends Error {
  override name = 'RetryableStatus';
}

function baseUrl(registry: string, insecure: readonly string[]): string {
  const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${loopback || insecure.includes(registry) ? 'http' : 'https'}://${host}`;
}

function basic(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Fetches a Bearer token for the challenge (anonymous when there are no credentials). */
async function bearerToken(challenge: AuthChallenge, repository: string, credentials: BasicCredentials | undefined, doFetch: typeof fetch): Promise<string | undefined> {
  const realm = challenge.params['realm'];
  if (!realm) return undefined;
  const url = new URL(realm);
  if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
  url.searchParams.set('scope', challenge.params['scope'] ?? `repository:${repository}:pull`);
  const response = await doFetch(url, { headers: credentials ? { authorization: basic(credentials) } : {} });
  if (!response.ok) return undefined;
  const body = (await response.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

/** A minimal registry client that answers "does this image reference resolve?" with `HEAD` on its manifest. */
export function createManifestHead(options: ManifestHeadOptions = {}): ManifestHead {
  const doFetch = options.fetch ?? fetch;
  const insecure = options.insecure ?? [];
  const policy = { attempts: options.attempts ?? 3, baseDelayMs: 200, maxDelayMs: 2000 };

  async function head(ref: ImageRef, authorization?: string): Promise<Response> {
    const url = `${baseUrl(ref.registry, insecure)}/v2/${ref.repository}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
    const response = await doFetch(url, { method: 'HEAD', headers: { accept: ACCEPT, ...(authorization ? { authorization } : {}) } });
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new RetryableStatus(`HEAD ${url} answered ${response.status}`);
    return response;
  }

  async function authorized(ref: ImageRef): Promise<Response> {
    const first = await head(ref);
    if (first.status !== 401) return first;
    const credentials = options.credentials?.get(ref.registry);
    const challenge = parseAuthChallenge(first.headers.get('www-authenticate'));
    if (challenge?.scheme === 'basic') return credentials ? head(ref, basic(credentials)) : first;
    if (challenge?.scheme !== 'bearer') return first;
    const token = await bearerToken(challenge, ref.repository, credentials, doFetch);
    return token ? head(ref, `Bearer ${token}`) : first;
  }

  return {
    async check(ref) {
      try {
        const response = await withRetry(policy, () => authorized(ref), (error) => error instanceof RetryableStatus || error instanceof TypeError);
        return interpret(response);
      } catch (error) {
        return { status: 'error', message: (error as Error).message };
      }
    },
  };
}

function interpret(response: Response): ManifestCheck {
  if (response.ok) {
    const digest = response.headers.get('docker-content-digest');
    return digest ? { status: 'found', digest } : { status: 'found' };
  }
  if (response.status === 404) return { status: 'missing' };
  if (response.status === 401 || response.status === 403) {
    return { status: 'error', message: `the registry refused access (${response.status}); give credentials in the Docker config (docker login)` };
  }
  return { status: 'error', message: `the registry answered ${response.status}` };
}
