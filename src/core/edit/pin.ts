import { UserError } from '../errors.ts';
import { familiarName, formatFamiliar, type ImageRef } from '../image-ref.ts';
import type { Pin } from './types.ts';

/**
 * The pin rule: an image to write must carry what the pin writes (a tag for `tag`, a digest for
 * `digest`, both for `tag+digest`). Checked here once, for the editor's plan and for the steps that
 * check their inputs before anything is cloned.
 */
export function checkPin(image: ImageRef, pin: Pin, input = 'image'): void {
  checkVersioned(image, input);
  const shown = formatFamiliar(image);
  if (pin !== 'digest' && image.tag === undefined) {
    throw new UserError(
      `${input}: ${shown} has no tag, but pin "${pin}" writes one; give ${familiarName(image)}:<tag> or use pin "digest".`,
      { input },
    );
  }
  if (pin !== 'tag' && image.digest === undefined) {
    throw new UserError(`${input}: ${shown} has no digest, but pin "${pin}" writes one; give ${shown}@sha256:<digest> or use pin "tag".`, {
      input,
    });
  }
}

/** An image named as a version to write or expect carries a tag or a digest, not just a name. */
export function checkVersioned(image: ImageRef, input: string): void {
  if (image.tag === undefined && image.digest === undefined) {
    throw new UserError(`${input}: ${formatFamiliar(image)} has neither a tag nor a digest; write name:tag or name@sha256:….`, { input });
  }
}
