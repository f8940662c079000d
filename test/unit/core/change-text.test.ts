import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bumpMessage, bumpSubject, originFromEnv, proposalBody, proposalBranch } from '../../../src/core/change-text.ts';
import type { ValueChange } from '../../../src/core/edit/types.ts';
import { parseImageRef } from '../../../src/core/image-ref.ts';

const D = `sha256:${'c'.repeat(64)}`;
const api = parseImageRef(`ghcr.io/acme/api:1.4.2@${D}`);
const web = parseImageRef('acme/web:2.0.0');
const change: ValueChange = {
  file: 'envs/staging/kustomization.yaml',
  line: 7,
  column: 13,
  kind: 'kustomize',
  image: 'ghcr.io/acme/api',
  field: 'newTag',
  old: '1.4.1',
  new: '1.4.2',
  oldTag: '1.4.1',
  newTag: '1.4.2',
  oldDigest: undefined,
  newDigest: undefined,
};

describe('commit text', () => {
  test('subject for one and several images', () => {
    assert.equal(bumpSubject('staging', [api]), 'staging: bump ghcr.io/acme/api to 1.4.2');
    assert.equal(bumpSubject('staging', [parseImageRef(`nginx@${D}`)]), 'staging: bump nginx to sha256:cccccccccccc');
    assert.equal(bumpSubject('prod', [api, web]), 'prod: bump 2 images (api 1.4.2, web 2.0.0)');
  });
  test('message carries changes and trailers', () => {
    const origin = originFromEnv({
      GITHUB_SERVER_URL: 'https://gh.example',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: 'abc',
      GITHUB_RUN_ID: '42',
      GITHUB_ACTOR: 'dev',
    });
    const message = bumpMessage('staging: bump ghcr.io/acme/api to 1.4.2', 'staging', [api], [change], origin);
    assert.match(
      message,
      /^staging: bump ghcr\.io\/acme\/api to 1\.4\.2\n\n- envs\/staging\/kustomization\.yaml:7 newTag: 1\.4\.1 -> 1\.4\.2\n\n/,
    );
    assert.match(message, new RegExp(`Baton-Image: ghcr\\.io/acme/api:1\\.4\\.2@${D}\n`));
    assert.match(message, /Baton-Source: https:\/\/gh\.example\/acme\/app\/commit\/abc\n/);
    assert.match(message, /Baton-Run: https:\/\/gh\.example\/acme\/app\/actions\/runs\/42\n/);
  });
  test('GitLab origin', () => {
    const origin = originFromEnv({
      CI_PROJECT_URL: 'https://gl.example/g/app',
      CI_COMMIT_SHA: 'def',
      CI_JOB_URL: 'https://gl.example/g/app/-/jobs/9',
    });
    assert.deepEqual(origin, { sourceUrl: 'https://gl.example/g/app/-/commit/def', runUrl: 'https://gl.example/g/app/-/jobs/9' });
  });
});

describe('proposals', () => {
  test('branch is deterministic per env and image set, whatever the order and version', () => {
    assert.equal(proposalBranch('staging', [api]), 'baton/staging/ghcr.io-acme-api');
    assert.equal(
      proposalBranch('staging', [web, api]),
      proposalBranch('staging', [parseImageRef('ghcr.io/acme/api:9'), parseImageRef('acme/web:1')]),
    );
    const many = Array.from({ length: 12 }, (_, i) => parseImageRef(`registry.example.com/team/service-${i}:1`));
    assert.match(proposalBranch('prod', many), /^baton\/prod\/12-images-[0-9a-f]{8}$/);
  });
  test('body has the old → new table and links, escaped', () => {
    const body = proposalBody('staging', [{ ...change, old: 'a|b' }], { sourceUrl: 'https://x/commit/1' });
    assert.match(body, /\| `ghcr\.io\/acme\/api` \| `envs\/staging\/kustomization\.yaml:7` \| `a\\\|b` \| `1\.4\.2` \|/);
    assert.match(body, /Source commit: https:\/\/x\/commit\/1/);
  });
});
