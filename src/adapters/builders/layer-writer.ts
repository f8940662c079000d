/** Writes a layer: tar, hashed (diff id), gzip, hashed (digest), to a file; one pass, no buffering. */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import type { LayerBlob } from './layer-image.ts';
import { type TarEntry, tarStream } from './layer-tar.ts';

function tap(hash: Hash, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      callback(null, chunk);
    },
  });
}

/**
 * Writes the gzipped tar of `entries` to `path`. Node's gzip header carries no name and mtime 0, so
 * the same tar always compresses to the same bytes with the same zlib.
 */
export async function writeLayer(entries: readonly TarEntry[], path: string): Promise<LayerBlob> {
  const diff = createHash('sha256');
  const compressed = createHash('sha256');
  const raw = { bytes: 0 };
  const size = { bytes: 0 };
  await pipeline(
    Readable.from(tarStream(entries)),
    tap(diff, raw),
    createGzip({ level: constants.Z_DEFAULT_COMPRESSION }),
    tap(compressed, size),
    createWriteStream(path),
  );
  return { digest: `sha256:${compressed.digest('hex')}`, size: size.bytes, diffId: `sha256:${diff.digest('hex')}` };
}
