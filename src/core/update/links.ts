/** Links from a PR/MR body to where people read an image's tags. */
import { DOCKER_HUB, type ImageRef } from '../image-ref.ts';

/** The web page of an image's tags for the registries people know; the registry's own URL elsewhere. */
export function registryLink(ref: Pick<ImageRef, 'registry' | 'repository'>, tag?: string): string {
  const { registry, repository } = ref;
  if (registry === DOCKER_HUB) {
    const path = repository.startsWith('library/') ? `_/${repository.slice('library/'.length)}` : `r/${repository}`;
    return `https://hub.docker.com/${path}/tags${tag ? `?name=${encodeURIComponent(tag)}` : ''}`;
  }
  // ghcr.io and quay.io serve the package page at the image's own address in a browser.
  if (registry === 'ghcr.io') return `https://ghcr.io/${repository}`;
  if (registry === 'quay.io') return `https://quay.io/repository/${repository}?tab=tags`;
  if (registry.endsWith('gcr.io') || registry.endsWith('-docker.pkg.dev')) return `https://${registry}/${repository}`;
  return `https://${registry}/${repository}${tag ? `:${tag}` : ''}`;
}
