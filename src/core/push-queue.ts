/**
 * The push queue: how concurrent bumps of one branch land in a few rounds instead of one per bump.
 *
 * A bump whose push lost the race parks its commit under `refs/baton/queue/<branch>/<id>`, with the edit
 * request in a `Baton-Request:` trailer. Whoever integrates next (any waiting bump) re-applies every parked
 * request to the newest head, one commit each with its own message and author (the edit is a function of
 * the file, never a patch), and pushes atomically: the branch, the queue refs it consumed (deleted) and a
 * `refs/baton/done/<branch>/<id>` per request that changed something, pointing at its commit. Every
 * update carries a lease, so two integrators never both win. Pure: ids, ref names, request encoding.
 */
import type { Pin } from './edit/types.ts';
import { type ImageRef, parseImageRef, formatImageRef } from './image-ref.ts';

/** Everything needed to re-apply one bump to another head. */
export interface QueuedRequest {
  readonly path: string;
  readonly images: readonly ImageRef[];
  readonly pin: Pin;
  readonly allowDowngrade: boolean;
  /** Write images a rollback holds too (releasing the hold); absent means false. */
  readonly overrideHold?: boolean;
}

const TRAILER = 'Baton-Request: ';
const ID_RE = /^([0-9a-z]{9})-([0-9a-f]{8})$/;

/** A queue id that sorts by time: base-36 milliseconds, then 8 random hex digits. */
export function queueId(nowMs: number, randomHex: string): string {
  return `${nowMs.toString(36).padStart(9, '0')}-${randomHex.padStart(8, '0').slice(0, 8)}`;
}

/** When a queue id was made (ms since the epoch), or undefined for a name that is not an id. */
export function queueIdTime(id: string): number | undefined {
  const match = ID_RE.exec(id);
  return match ? Number.parseInt(match[1]!, 36) : undefined;
}

/** `refs/baton/queue/<branch>/<id>`. */
export function queueRef(branch: string, id: string): string {
  return `refs/baton/queue/${branch}/${id}`;
}

/** `refs/baton/done/<branch>/<id>`. */
export function doneRef(branch: string, id: string): string {
  return `refs/baton/done/${branch}/${id}`;
}

/** The ids under a ref prefix (`refs/baton/queue/<branch>/`), oldest first. */
export function idsUnder(refs: ReadonlyMap<string, string>, prefix: string): string[] {
  return [...refs.keys()]
    .filter((ref) => ref.startsWith(prefix) && queueIdTime(ref.slice(prefix.length)) !== undefined)
    .map((ref) => ref.slice(prefix.length))
    .sort();
}

/** Adds the request trailer to a commit message (the message that will land, plus one line). */
export function withRequest(message: string, request: QueuedRequest): string {
  const json = JSON.stringify({
    path: request.path,
    images: request.images.map(formatImageRef),
    pin: request.pin,
    allowDowngrade: request.allowDowngrade,
    ...(request.overrideHold ? { overrideHold: true } : {}),
  });
  return `${message.replace(/\n*$/, '\n')}${TRAILER}${json}\n`;
}

/** Splits a parked commit's message into the message to land and the request; undefined when absent or broken. */
export function readRequest(message: string): { message: string; request: QueuedRequest } | undefined {
  const lines = message.replace(/\n+$/, '').split('\n');
  const index = lines.findLastIndex((line) => line.startsWith(TRAILER));
  if (index < 0) return undefined;
  try {
    const raw = JSON.parse(lines[index]!.slice(TRAILER.length)) as Record<string, unknown>;
    if (typeof raw['path'] !== 'string' || !Array.isArray(raw['images'])) return undefined;
    const pin = raw['pin'];
    if (pin !== 'tag' && pin !== 'digest' && pin !== 'tag+digest') return undefined;
    const request: QueuedRequest = {
      path: raw['path'],
      images: raw['images'].map((text) => parseImageRef(String(text))),
      pin,
      allowDowngrade: raw['allowDowngrade'] === true,
      ...(raw['overrideHold'] === true ? { overrideHold: true } : {}),
    };
    lines.splice(index, 1);
    return { message: `${lines.join('\n')}\n`, request };
  } catch {
    return undefined;
  }
}
