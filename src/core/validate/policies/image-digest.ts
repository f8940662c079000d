import { tryParseImageRef } from '../../image-ref.ts';
import { containerName, containersOf } from './pod-spec.ts';
import { finding, type PolicyRule } from './types.ts';

/** `image-digest`: every image is pinned by digest (off by default; on where the policy file asks). */
export const imageDigestRule: PolicyRule = {
  id: 'image-digest',
  title: 'Image not pinned by digest',
  defaultLevel: 'off',
  fix: 'Pin the image by digest (name:tag@sha256:…); "baton bump --pin tag+digest" writes it.',
  check(resource) {
    return containersOf(resource).flatMap((at) => {
      const image = at.container['image'];
      if (typeof image !== 'string' || tryParseImageRef(image)?.digest) return [];
      return [finding(imageDigestRule, resource, `${at.pointer}/image`, `${containerName(at)}: image "${image}" is not pinned by digest`)];
    });
  },
};
