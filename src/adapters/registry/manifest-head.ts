import { describeError } from '../../core/errors.ts';
import type { ImageRef } from '../../core/image-ref.ts';
import type { OciClient } from './types.ts';

/** What a registry says about one image reference. */
export type ManifestCheck =
  | { readonly status: 'found'; readonly digest?: string }
  | { readonly status: 'missing' }
  | { readonly status: 'error'; readonly message: string };

/** The one question `check-images` asks a registry: does this reference resolve? */
export interface ManifestHead {
  check(ref: ImageRef): Promise<ManifestCheck>;
}

/** `check-images` through the OCI client: a `HEAD` of the manifest, with the client's auth and retries. */
export function clientManifestHead(client: Pick<OciClient, 'tryResolve'>): ManifestHead {
  return {
    async check(ref) {
      try {
        const found = await client.tryResolve(ref);
        return found ? { status: 'found', digest: found.digest } : { status: 'missing' };
      } catch (error) {
        return { status: 'error', message: describeError(error) };
      }
    },
  };
}
