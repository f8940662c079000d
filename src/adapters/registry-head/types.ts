import type { ImageRef } from '../../core/image-ref.ts';

/** What a registry says about one image reference. */
export type ManifestCheck =
  | { readonly status: 'found'; readonly digest?: string }
  | { readonly status: 'missing' }
  | { readonly status: 'error'; readonly message: string };

/**
 * The one question `check-images` asks a registry: does this reference resolve? Shaped so that the full
 * OCI client (src/adapters/registry) can implement it with its `HEAD` and replace this module.
 */
export interface ManifestHead {
  check(ref: ImageRef): Promise<ManifestCheck>;
}

/** Username and password (or token) for one registry. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}
