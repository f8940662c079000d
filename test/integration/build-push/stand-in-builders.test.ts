/**
 * buildx and kaniko are not installed here (podman is: podman.test.ts runs the real one): these tests
 * put stand-ins on PATH that record their arguments and write a real OCI layout where the tool would, so each adapter runs its whole
 * path (probe, command line, layout, push by digest, tags) against a real registry.
 */
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningRegistry, skipWithout, skopeoRaw, startRegistry } from '../../helpers/registry.ts';
import { sha256Digest } from '../../../src/adapters/registry/digest.ts';
import { appCheckout, FIXTURE, runBuildPush, type Scratch, scratch } from '../../helpers/build-push.ts';

const USER = 'ci';
const PASSWORD = 'standin-pass-4';
const CREDS = `${USER}:${PASSWORD}`;

describe('buildx and kaniko adapters with stand-in executables', {
  skip: skipWithout('docker-registry', 'skopeo', 'htpasswd', 'git'),
}, () => {
  let registry: RunningRegistry;
  let tmp: Scratch;
  let app: Awaited<ReturnType<typeof appCheckout>>;
  let bin: string;
  let log: string;
  let n = 0;

  const calls = async () =>
    (await readFile(log, 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  const run = async (inputs: Record<string, string>, env: Record<string, string> = {}) => {
    log = join(tmp.dir, `calls-${++n}.jsonl`);
    return runBuildPush(
      {
        image: `${registry.host}/acme/web`,
        context: app.dir,
        file: join(app.dir, 'Dockerfile.multistage'),
        username: USER,
        password: PASSWORD,
        'insecure-registries': registry.host,
        ...inputs,
      },
      { HOME: tmp.dir, PATH: `${bin}:${process.env['PATH']}`, STANDIN_LOG: log, SOURCE_DATE_EPOCH: '1700000000', ...env },
    );
  };
  const pushedDigest = async (tag: string) => sha256Digest(await skopeoRaw(`docker://${registry.host}/acme/web:${tag}`, { creds: CREDS }));

  before(async () => {
    tmp = await scratch();
    [registry, app] = await Promise.all([startRegistry({ htpasswd: { [USER]: PASSWORD } }), appCheckout(tmp.dir)]);
    bin = join(tmp.dir, 'bin');
    const script = await readFile(join(FIXTURE, '../stand-ins/standin.cjs'), 'utf8');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    for (const tool of ['docker', 'executor']) {
      await writeFile(join(bin, tool), `#!${process.execPath}\n${script}`);
      await chmod(join(bin, tool), 0o755);
    }
  });
  after(async () => {
    await registry?.stop();
    await tmp?.cleanup();
  });

  it('buildx: auto picks it first, exports an OCI layout, Baton pushes it', async () => {
    const result = await run({ builder: 'auto', target: 'final', 'build-args': 'GREETING=hi', tags: 'bx' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['builder'], 'buildx');
    const [version, inspect, build] = await calls();
    assert.deepEqual(version, ['docker', 'buildx', 'version']);
    assert.deepEqual(inspect, ['docker', 'buildx', 'inspect', '--bootstrap']);
    assert.deepEqual(build!.slice(0, 10), [
      'docker',
      'buildx',
      'build',
      '--progress',
      'plain',
      '--file',
      join(app.dir, 'Dockerfile.multistage'),
      '--target',
      'final',
      '--build-arg',
    ]);
    assert.equal(build![10], 'GREETING=hi');
    assert.ok(build!.includes(`org.opencontainers.image.revision=${app.head}`), 'OCI labels go to the builder');
    assert.match(build!.at(-4)!, /^type=oci,dest=.*\/buildx-layout,tar=false$/);
    assert.equal(build!.at(-1), app.dir);
    assert.ok(!build!.join(' ').includes(PASSWORD), 'no credential on the command line');
    assert.equal(await pushedDigest('bx'), result.outputs['digest']);
  });

  it('buildx with the docker driver is refused with the fix named', async () => {
    const result = await run({ builder: 'buildx' }, { STANDIN_BUILDX_DRIVER: 'docker' });
    assert.equal(result.code, 2);
    assert.match(
      result.error ?? '',
      /^builder: buildx cannot build here: the buildx builder uses the "docker" driver, which cannot export OCI layouts; create one with docker\/setup-buildx-action/,
    );
  });

  it('kaniko: one run per platform, joined into an index by Baton', async () => {
    const result = await run({ builder: 'kaniko', platforms: 'linux/amd64,linux/arm64', tags: 'kn', 'build-args': 'GREETING=kaniko' });
    assert.equal(result.code, 0, result.error);
    const runs = (await calls()).filter((call) => call[1] !== 'version');
    assert.equal(runs.length, 2);
    for (const [i, platform] of ['linux/amd64', 'linux/arm64'].entries()) {
      const args = runs[i]!;
      assert.deepEqual(args.slice(0, 8), [
        'executor',
        '--context',
        `dir://${app.dir}`,
        '--dockerfile',
        join(app.dir, 'Dockerfile.multistage'),
        '--no-push',
        '--oci-layout-path',
        args[7]!,
      ]);
      assert.match(args[7]!, new RegExp(`/kaniko-layout-${i}$`));
      assert.deepEqual(args.slice(-5), ['--custom-platform', platform, '--reproducible', '--insecure-registry', registry.host]);
    }
    const index = JSON.parse((await skopeoRaw(`docker://${registry.host}/acme/web:kn`, { creds: CREDS })).toString());
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
      ['amd64', 'arm64'],
    );
    assert.equal(await pushedDigest('kn'), result.outputs['digest']);
  });
});
