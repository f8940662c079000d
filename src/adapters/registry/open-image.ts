import { resolve as resolvePath } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { formatImageRef, type ImageRef, parseImageRef, validateDigest, validateTag } from '../../core/image-ref.ts';
import type { ImageLocation } from './copy.ts';
import { LAYOUT_REGISTRY, OciLayoutStore } from './oci-layout.ts';
import type { RegistryClient } from './registry-client.ts';

/** The prefix that names an OCI image layout directory instead of a registry. */
export const LAYOUT_PREFIX = 'oci:';

/** True when `text` names an OCI layout (`oci:<dir>[:tag]`). */
export function isLayoutReference(text: string): boolean {
  return text.trim().startsWith(LAYOUT_PREFIX);
}

/**
 * Parses `oci:<dir>[:tag][@digest]`. As in containers/image's `oci:` transport, the first `:` after
 * the directory starts the tag, so the directory itself cannot contain one.
 */
export function parseLayoutReference(text: string, input = 'image'): ImageRef {
  let body = text.trim().slice(LAYOUT_PREFIX.length);
  let digest: string | undefined;
  const at = body.lastIndexOf('@');
  if (at >= 0) {
    digest = validateDigest(body.slice(at + 1), input);
    body = body.slice(0, at);
  }
  const colon = body.indexOf(':');
  const dir = colon >= 0 ? body.slice(0, colon) : body;
  const tag = colon >= 0 ? body.slice(colon + 1) : undefined;
  if (dir === '') throw new UserError(`${input}: "${text}" names no directory; write oci:<dir>[:tag].`, { input });
  if (tag !== undefined) validateTag(tag, input);
  return {
    registry: LAYOUT_REGISTRY,
    repository: resolvePath(dir),
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/**
 * Opens an image reference in the store it names: an {@link OciLayoutStore} for `oci:<dir>[:tag]`,
 * otherwise the shared {@link RegistryClient}.
 */
export function openImage(text: string, registry: RegistryClient, input = 'image'): ImageLocation {
  if (isLayoutReference(text)) {
    const ref = parseLayoutReference(text, input);
    return { client: new OciLayoutStore(ref.repository), ref };
  }
  return { client: registry, ref: parseImageRef(text, input) };
}

/** A location as a user would write it: `oci:./layout:1.0` or `ghcr.io/acme/api:1.0`. */
export function formatLocation(location: ImageLocation): string {
  const { ref } = location;
  if (!(location.client instanceof OciLayoutStore)) return formatImageRef(ref);
  return `${LAYOUT_PREFIX}${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
