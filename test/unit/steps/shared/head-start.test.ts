import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClonedDir } from '../../../../src/adapters/git/git-clone.ts';
import { HEAD_START, type HeadStart, headStartKey, publishHeadStart, takeHeadStart } from '../../../../src/steps/shared/head-start.ts';

const REMOTE = { url: 'https://git.example.com/env.git', token: 'head-start-secret-91c' };
const REQUEST = { branch: 'main', sparsePaths: ['envs/staging'] };
const CLONED: ClonedDir = {
  dir: 'baton-env-test',
  branch: 'main',
  url: REMOTE.url,
  display: REMOTE.url,
  signing: [],
  cone: ['envs/staging'],
};

function published(key: string): HeadStart {
  const headStart: HeadStart = { key, clone: Promise.resolve(CLONED), taken: false };
  publishHeadStart(headStart);
  return headStart;
}

describe('head start hand-over', () => {
  test('the key tells every part of the clone apart and holds no credential', () => {
    const key = headStartKey(REMOTE, REQUEST);
    const others = [
      headStartKey({ ...REMOTE, token: 'another-token-0000' }, REQUEST),
      headStartKey({ url: REMOTE.url }, REQUEST),
      headStartKey({ ...REMOTE, username: 'oauth2' }, REQUEST),
      headStartKey({ ...REMOTE, url: 'https://git.example.com/other.git' }, REQUEST),
      headStartKey(REMOTE, { sparsePaths: REQUEST.sparsePaths }),
      headStartKey(REMOTE, { ...REQUEST, sparsePaths: [] }),
    ];
    assert.equal(new Set([key, ...others]).size, others.length + 1);
    assert.equal(headStartKey({ ...REMOTE }, { ...REQUEST }), key);
    const withUrlCredentials = headStartKey({ url: 'https://x:url-secret-77@git.example.com/env.git' }, REQUEST);
    assert.doesNotMatch(`${key} ${withUrlCredentials}`, /secret/);
  });

  test('a matching head start is taken once; another request leaves it where it is', async () => {
    const headStart = published(headStartKey(REMOTE, REQUEST));
    assert.equal(await takeHeadStart(headStartKey(REMOTE, { sparsePaths: [] })), undefined);
    assert.equal(headStart.taken, false);
    assert.deepEqual(await takeHeadStart(headStartKey(REMOTE, REQUEST)), CLONED);
    assert.equal(headStart.taken, true);
    assert.equal((globalThis as Record<symbol, unknown>)[HEAD_START], undefined);
    assert.equal(await takeHeadStart(headStartKey(REMOTE, REQUEST)), undefined);
  });
});
