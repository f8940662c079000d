import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TransientError } from '../../core/errors.ts';

/** `sha256:<hex>` of some bytes: the digest of a manifest or blob. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Content that does not match its digest or size. Transient: a broken transfer or a misbehaving cache
 * is the usual cause, and a second attempt fetches the bytes again.
 */
export class DigestMismatchError extends TransientError {
  override name = 'DigestMismatchError';
}

/** Throws a {@link DigestMismatchError} when `bytes` do not hash to `expected`. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  if (!expected.startsWith('sha256:')) return;
  const actual = sha256Digest(bytes);
  if (actual !== expected) throw new DigestMismatchError(`${what}: content has digest ${actual}, expected ${expected}`);
}

/**
 * A pass-through stream that hashes what flows through and fails at the end when the digest or the
 * size differs from the descriptor: callers read blobs as streams and must never trust a bad one.
 */
export function verifyingStream(expected: { digest: string; size?: number }, what: string): Transform {
  const checks = expected.digest.startsWith('sha256:');
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      size += chunk.length;
      if (checks) hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (expected.size !== undefined && expected.size >= 0 && size !== expected.size) {
        callback(new DigestMismatchError(`${what}: got ${size} bytes, expected ${expected.size}`));
        return;
      }
      const actual = `sha256:${hash.digest('hex')}`;
      if (checks && actual !== expected.digest) {
        callback(new DigestMismatchError(`${what}: content has digest ${actual}, expected ${expected.digest}`));
        return;
      }
      callback();
    },
  });
}
