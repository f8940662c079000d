import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageRef } from '../../../src/core/image-ref.ts';
import { doneRef, idsUnder, queueId, queueIdTime, queueRef, readRequest, withRequest } from '../../../src/core/push-queue.ts';

describe('push queue', () => {
  it('ids sort by time and carry it', () => {
    const a = queueId(1_700_000_000_000, 'ffffffff');
    const b = queueId(1_700_000_000_001, '00000000');
    assert.ok(a < b);
    assert.equal(queueIdTime(a), 1_700_000_000_000);
    assert.equal(queueIdTime('not-an-id'), undefined);
  });
  it('lists ids under a prefix, oldest first, ignoring foreign names', () => {
    const ids = [queueId(3, 'aaaaaaaa'), queueId(1, 'bbbbbbbb'), queueId(2, 'cccccccc')];
    const refs = new Map([...ids.map((id) => [queueRef('main', id), 'x'] as [string, string]), ['refs/baton/queue/main/junk', 'y'], [doneRef('main', ids[0]!), 'z']]);
    assert.deepEqual(idsUnder(refs, 'refs/baton/queue/main/'), [ids[1], ids[2], ids[0]]);
  });
  it('round-trips the request through the parked message, leaving the message to land untouched', () => {
    const message = 'staging: bump ghcr.io/acme/api to 1.2.0\n\n- a.yaml:3 newTag: 1.1.0 -> 1.2.0\n\nBaton-Image: ghcr.io/acme/api:1.2.0\nBaton-Env: staging\n';
    const request = { path: 'envs/staging', images: [parseImageRef('ghcr.io/acme/api:1.2.0')], pin: 'tag' as const, allowDowngrade: false };
    const parked = withRequest(message, request);
    assert.match(parked, /\nBaton-Request: \{"path":"envs\/staging"/);
    const read = readRequest(parked)!;
    assert.equal(read.message, message);
    assert.deepEqual(read.request, request);
    assert.equal(readRequest(message), undefined);
    assert.equal(readRequest(`${message}Baton-Request: {broken\n`), undefined);
  });
});
