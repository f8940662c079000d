import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseImageRef } from '../../../../src/core/image-ref.ts';
import { readRequest, withRequest } from '../../../../src/core/push-queue.ts';

it('a parked request keeps override-hold, and old requests read as not overriding', () => {
  const request = { path: 'envs/p', images: [parseImageRef('ghcr.io/acme/api:1.0')], pin: 'tag' as const, allowDowngrade: false, overrideHold: true };
  assert.equal(readRequest(withRequest('subject\n', request))?.request.overrideHold, true);
  const old = readRequest(withRequest('subject\n', { ...request, overrideHold: false }));
  assert.equal(old?.request.overrideHold, undefined);
  assert.doesNotMatch(withRequest('s\n', { ...request, overrideHold: false }), /overrideHold/, 'the trailer of a plain bump is unchanged');
});
