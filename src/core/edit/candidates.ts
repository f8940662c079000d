/**
 * Which files are worth parsing for a bump, decided from their bytes alone. Parsing YAML costs far more
 * than searching bytes (a 10 MB file takes seconds and a gigabyte to parse, milliseconds to search), and
 * most files under an environment never mention the image being bumped. Pure: bytes in, answers out.
 */
import type { ImageRef } from '../image-ref.ts';

/** Bytes that may sit right next to a repository name in a file without being part of it. */
const NAME_CHAR = /[A-Za-z0-9_.-]/;

/** Text a file must contain, one of, to be able to hold one of the images: see {@link imageNeedles}. */
export interface Needles {
  /** Last path segments of the images' repositories (`api` of `ghcr.io/acme/api`), matched as whole words. */
  readonly words: readonly string[];
  /** Literal markers matched anywhere (`$imagepolicy` when Flux policies are in play). */
  readonly literals: readonly string[];
}

/**
 * The needles for `images`. The last path segment, not the whole name, because Helm values may split a
 * name anywhere (`registry: ghcr.io/acme` + `repository: api`); a marker comment (`# baton: <image>`)
 * and a rollback hold line name the image, so they hold the segment too. Flux `$imagepolicy` markers
 * name a policy, not the image: with `fluxMarkers`, any file holding one is a candidate.
 */
export function imageNeedles(images: readonly Pick<ImageRef, 'repository'>[], fluxMarkers: boolean): Needles {
  const words = [...new Set(images.map((image) => image.repository.split('/').at(-1)!))];
  return { words, literals: fluxMarkers ? ['$imagepolicy'] : [] };
}

/** True when `bytes` contain one of the needles (a word only where no name character touches it). */
export function mayHoldImage(bytes: Uint8Array, needles: Needles): boolean {
  if (needles.literals.some((literal) => find(bytes, ENCODER.encode(literal), () => true))) return true;
  return needles.words.some((word) => {
    const pattern = ENCODER.encode(word);
    return find(bytes, pattern, (at) => !isNameByte(bytes[at - 1]) && !isNameByte(bytes[at + pattern.length]));
  });
}

const ENCODER = new TextEncoder();

function isNameByte(byte: number | undefined): boolean {
  return byte !== undefined && NAME_CHAR.test(String.fromCharCode(byte));
}

/** True when `pattern` occurs in `bytes` at an offset `accept` agrees to; the first byte is found natively. */
function find(bytes: Uint8Array, pattern: Uint8Array, accept: (at: number) => boolean): boolean {
  const first = pattern[0];
  if (first === undefined) return false;
  for (let at = bytes.indexOf(first); at >= 0 && at + pattern.length <= bytes.length; at = bytes.indexOf(first, at + 1)) {
    let k = 1;
    while (k < pattern.length && bytes[at + k] === pattern[k]) k++;
    if (k === pattern.length && accept(at)) return true;
  }
  return false;
}

/**
 * The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or undefined when all of it is. Decoding such bytes would turn
 * them into U+FFFD and the edit would rewrite bytes nobody asked to change.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [length, min, max] =
      b >= 0xc2 && b <= 0xdf
        ? [2, 0x80, 0xbf]
        : b === 0xe0
          ? [3, 0xa0, 0xbf]
          : b === 0xed
            ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef
              ? [3, 0x80, 0xbf]
              : b === 0xf0
                ? [4, 0x90, 0xbf]
                : b >= 0xf1 && b <= 0xf3
                  ? [4, 0x80, 0xbf]
                  : b === 0xf4
                    ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (length === 0) return i;
    // The second byte has the tightest range (it rules out overlong forms and surrogates); the rest are plain continuations.
    if (i + 1 >= bytes.length || bytes[i + 1]! < min || bytes[i + 1]! > max) return i;
    for (let k = 2; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return undefined;
}
