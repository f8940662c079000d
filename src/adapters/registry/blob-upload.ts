import { Readable } from 'node:stream';
import { UserError } from '../../core/errors.ts';
import { repositoryScope } from './auth.ts';
import { discard, type HttpResponse, header, withHttpRetry } from './http.ts';
import type { Operation, RegistrySession } from './registry-session.ts';
import type { BlobContent } from './types.ts';

/** A blob going up: where, what, and how big the pieces may be. */
export interface UploadJob {
  readonly session: RegistrySession;
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
  readonly content: BlobContent;
  /** Blobs larger than this go up in `PATCH` chunks of this size. */
  readonly chunkSize: number;
  /** A repository in the same registry to mount from first. */
  readonly mountFrom?: string;
}

/** Whether the blob was mounted or uploaded. */
export type UploadOutcome = 'mounted' | 'uploaded';

function isStream(content: BlobContent): content is Readable {
  return typeof (content as Readable).pipe === 'function';
}

async function open(content: BlobContent): Promise<Buffer | Readable> {
  if (typeof content === 'function') return content();
  if (isStream(content)) return content;
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/**
 * Pushes one blob: `POST` an upload (with `?mount=&from=` when asked), then one `PUT` or `PATCH`
 * chunks and a closing `PUT` (distribution spec, "Pushing blobs"). The unit of retry is the whole
 * upload, from a fresh session and a fresh stream, because a failed `PUT` leaves the old session in
 * an unknown state.
 */
export async function uploadBlob(job: UploadJob, retry: Parameters<typeof withHttpRetry>[0]): Promise<UploadOutcome> {
  const attempts = isStream(job.content) ? 1 : retry.attempts;
  return withHttpRetry({ ...retry, attempts }, () => uploadOnce(job));
}

async function uploadOnce(job: UploadJob): Promise<UploadOutcome> {
  const started = await startUpload(job);
  if (started === 'mounted') return 'mounted';
  let location = started.location;
  try {
    const body = await open(job.content);
    const large = job.size > Math.max(job.chunkSize, started.minChunk) && job.chunkSize > 0;
    if (large) location = await sendChunks(job, location, toStream(body), Math.max(job.chunkSize, started.minChunk));
    await finish(job, location, large ? undefined : body);
    return 'uploaded';
  } catch (error) {
    await cancel(job, location);
    throw error;
  }
}

function op(job: UploadJob): Operation {
  return {
    repository: job.repository,
    access: 'push',
    what: `push blob ${job.digest} to ${job.session.registry}/${job.repository}`,
    ...(job.mountFrom ? { extraScopes: [repositoryScope(job.mountFrom, 'pull')] } : {}),
  };
}

/** `POST`: 201 means mounted; 202 opens an upload session (also when a mount was not possible). */
async function startUpload(job: UploadJob): Promise<'mounted' | { location: URL; minChunk: number }> {
  const response = await job.session.send(
    op(job),
    (base) => {
      const url = new URL(`${job.repository}/blobs/uploads/`, base);
      if (job.mountFrom) {
        url.searchParams.set('mount', job.digest);
        url.searchParams.set('from', job.mountFrom);
      }
      return { method: 'POST', url, headers: { 'content-length': '0' } };
    },
    { expect: [201, 202], retry: false },
  );
  await discard(response);
  if (response.status === 201) return 'mounted';
  const minChunk = Number(header(response, 'oci-chunk-min-length') ?? 0) || 0;
  return { location: nextLocation(response), minChunk };
}

/** The `Location` of an upload, which may be relative (distribution spec, "Pushing blobs"). */
function nextLocation(response: HttpResponse): URL {
  const location = header(response, 'location');
  if (!location) throw new UserError(`${response.url.host} opened a blob upload without a Location header.`);
  return new URL(location, response.url);
}

function toStream(body: Buffer | Readable): Readable {
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

/** Cuts a stream into pieces of exactly `size` bytes (the last one shorter), buffering one piece. */
export async function* chunksOf(stream: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const data of stream) {
    let buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
    while (length + buffer.length >= size) {
      const take = size - length;
      parts.push(buffer.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      length = 0;
      buffer = buffer.subarray(take);
    }
    if (buffer.length > 0) {
      parts.push(buffer);
      length += buffer.length;
    }
  }
  if (length > 0) yield Buffer.concat(parts);
}

/** `PATCH` each chunk with its `Content-Range`; every answer names the next `Location`. */
async function sendChunks(job: UploadJob, start: URL, stream: Readable, size: number): Promise<URL> {
  let location = start;
  let offset = 0;
  for await (const chunk of chunksOf(stream, size)) {
    const from = offset;
    const response = await job.session.send(
      op(job),
      () => ({
        method: 'PATCH',
        url: location,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(chunk.length),
          'content-range': `${from}-${from + chunk.length - 1}`,
        },
        body: chunk,
      }),
      { expect: [202], retry: false },
    );
    await discard(response);
    location = nextLocation(response);
    offset += chunk.length;
  }
  return location;
}

/** The closing `PUT ?digest=`, with the whole body (monolithic) or none (after chunks). */
async function finish(job: UploadJob, location: URL, body: Buffer | Readable | undefined): Promise<void> {
  const url = new URL(location);
  url.searchParams.set('digest', job.digest);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body ? job.size : 0) };
  const response = await job.session.send(op(job), () => ({ method: 'PUT', url, headers, ...(body ? { body } : {}) }), {
    expect: [201],
    retry: false,
  });
  await discard(response);
  const stored = header(response, 'docker-content-digest');
  if (stored && stored !== job.digest) {
    throw new UserError(`${job.session.registry} stored blob ${job.digest} as ${stored}; the registry changed the content.`);
  }
}

/** Best effort: tell the registry to drop a failed upload session (distribution spec, "Canceling an upload"). */
async function cancel(job: UploadJob, location: URL): Promise<void> {
  try {
    const response = await job.session.send(op(job), () => ({ method: 'DELETE', url: location }), {
      expect: [204, 404, 400, 405],
      retry: false,
    });
    await discard(response);
  } catch {
    // The registry expires abandoned uploads itself.
  }
}
