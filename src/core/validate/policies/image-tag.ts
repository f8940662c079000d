import { tryParseImageRef } from '../../image-ref.ts';
import { containerName, containersOf } from './pod-spec.ts';
import { finding, type PolicyRule } from './types.ts';

/** `image-tag`: every image names a version; no `latest`, no bare name. */
export const imageTagRule: PolicyRule = {
  id: 'image-tag',
  title: 'Image without a tag or with latest',
  defaultLevel: 'error',
  fix: 'Pin a version tag (or a digest), e.g. image: ghcr.io/acme/api:1.4.2; "latest" changes under you and cannot be rolled back.',
  check(resource) {
    return containersOf(resource).flatMap((at) => {
      const image = at.container['image'];
      if (typeof image !== 'string') return [];
      const ref = tryParseImageRef(image);
      const pointer = `${at.pointer}/image`;
      if (!ref) return [finding(imageTagRule, resource, pointer, `${containerName(at)}: "${image}" is not a valid image reference`)];
      if (ref.digest) return [];
      if (!ref.tag)
        return [finding(imageTagRule, resource, pointer, `${containerName(at)}: image "${image}" has no tag (it means latest)`)];
      if (ref.tag === 'latest')
        return [finding(imageTagRule, resource, pointer, `${containerName(at)}: image "${image}" uses the latest tag`)];
      return [];
    });
  },
};
