import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningRegistry, skipWithout, startRegistry } from '../../helpers/registry.ts';
import { appCheckout, runBuildPush, type Scratch, scratch } from '../../helpers/build-push.ts';

const USER = 'ci';
const PASSWORD = 'right-password-9c';

describe('build-push bad input: exit 2, the input named, nothing pushed', {
  skip: skipWithout('docker-registry', 'htpasswd', 'git'),
}, () => {
  let registry: RunningRegistry;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  const image = () => `${registry.host}/acme/web`;
  const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
    runBuildPush(
      {
        image: image(),
        context: app.dir,
        builder: 'layer',
        username: USER,
        password: PASSWORD,
        'insecure-registries': registry.host,
        ...inputs,
      },
      { HOME: tmp.dir, ...env },
    );

  before(async () => {
    tmp = await scratch();
    [registry, app] = await Promise.all([startRegistry({ htpasswd: { [USER]: PASSWORD } }), appCheckout(tmp.dir)]);
  });
  after(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'an invalid image name',
      { image: '127.0.0.1:5000/Acme/we b' },
      /^image: ".*" is not a valid image reference: it contains white space\.$/,
    ],
    ['an invalid tag on the image', { image: 'REGISTRY/acme/web:bad+tag' }, /^image: "bad\+tag" is not a valid tag: "\+" is not allowed/],
    ['an image with a digest', { image: `REGISTRY/acme/web@sha256:${'a'.repeat(64)}` }, /^image: ".*" has a digest; name the repository/],
    ['an invalid tag', { tags: 'bad tag' }, /^tags: "bad tag" cannot make a valid tag/],
    [
      'an unknown template',
      { tags: 'v-{{nope}}' },
      /^tags: "v-\{\{nope\}\}" uses \{\{nope\}\}, which is not a placeholder; use one of \{\{sha\}\}/,
    ],
    ['a missing Dockerfile', { file: 'nope/Dockerfile' }, /^file: no Dockerfile at nope\/Dockerfile; name it with the file input\.$/],
    ['a missing context', { context: '/nonexistent/app' }, /^context: \/nonexistent\/app is not a directory/],
    ['an unknown builder', { builder: 'docker' }, /^builder: "docker" is not one of auto, buildx, buildah, podman, kaniko, layer\.$/],
    ['a target that is not a stage', { target: 'nope' }, /^target: "nope" is not a stage of Dockerfile \(stages: none named\)\.$/],
    ['a build arg without =', { 'build-args': 'VERSION' }, /^build-args: "VERSION" is not KEY=VALUE\.$/],
    ['a platform without an architecture', { platforms: 'linux' }, /^platforms: "linux" is not a platform; write it as os\/arch/],
    ['a username without a password', { password: '' }, /^password: username is given but password is not/],
    ['a SOURCE_DATE_EPOCH that is not a number', {}, /^SOURCE_DATE_EPOCH: "yesterday" is not a whole number of seconds/],
  ];
  for (const [name, inputs, message] of cases) {
    it(name, async () => {
      const fixed = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.replace('REGISTRY', registry.host)]));
      const result = await run(fixed, name.includes('SOURCE_DATE_EPOCH') ? { SOURCE_DATE_EPOCH: 'yesterday' } : {});
      assert.equal(result.code, 2, result.error);
      assert.match(result.error ?? '', message);
    });
  }

  it('a builder that is not installed is named, with how to fix it', async () => {
    const empty = join(tmp.dir, 'empty-path');
    await mkdir(empty, { recursive: true });
    const result = await run({ builder: 'kaniko' }, { PATH: empty });
    assert.equal(result.code, 2);
    assert.match(result.error ?? '', /^builder: kaniko cannot build here: executor was not found on PATH; install it and run again\.$/);
  });

  it('a wrong password fails the preflight: the registry and the fix are named, no build runs', async () => {
    const result = await run({ password: 'wrong-password' });
    assert.equal(result.code, 2);
    assert.match(
      result.error ?? '',
      new RegExp(
        `could not push to ${registry.host}/acme/web: ${registry.host} rejected the credentials from the username/password ` +
          `inputs.*Check that the user name and password or token are right`,
      ),
    );
    assert.ok(!result.logs.some((line) => line.startsWith('building with')), 'the build never started');
    assert.doesNotMatch(result.error ?? '', /wrong-password/);
  });

  it('left the registry empty', async () => {
    const response = await fetch(`${registry.url}/v2/_catalog`, {
      headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    });
    assert.deepEqual(await response.json(), { repositories: [] });
  });
});
