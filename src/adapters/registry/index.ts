/**
 * Baton's OCI distribution client (DESIGN §4): one {@link OciClient} interface over registries
 * ({@link RegistryClient}) and OCI image layout directories ({@link OciLayoutStore}).
 */
export { repositoryScope } from './auth.ts';
export { type Challenge, parseChallenges, preferredChallenge } from './challenge.ts';
export { copyImage, type ImageLocation } from './copy.ts';
export { CredentialResolver, type CredentialOptions, type ExplicitCredential, type RegistryCredential } from './credentials.ts';
export { DigestMismatchError, sha256Digest } from './digest.ts';
export { DEFAULT_HTTP_RETRY, type HttpRetryPolicy } from './http.ts';
export * from './media-types.ts';
export { LAYOUT_REGISTRY, OciLayoutStore, REF_NAME_ANNOTATION } from './oci-layout.ts';
export { formatLocation, isLayoutReference, LAYOUT_PREFIX, openImage, parseLayoutReference } from './open-image.ts';
export {
  formatPlatform,
  isAttestation,
  listPlatforms,
  type PlatformManifest,
  type PlatformSpec,
  parsePlatform,
  resolvePlatformManifest,
  selectPlatform,
} from './platform.ts';
export { DEFAULT_CHUNK_SIZE, RegistryClient, type RegistryClientOptions } from './registry-client.ts';
export { isNotFound, NotFoundError } from './registry-errors.ts';
export type { TlsOptions } from './tls.ts';
export { TokenCache } from './token-cache.ts';
export type * from './types.ts';
