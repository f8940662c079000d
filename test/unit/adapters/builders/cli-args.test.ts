import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildxArgs, buildxDriver } from '../../../../src/adapters/builders/buildx.ts';
import { containersBuildArgs, containersCleanupArgs, containersPushArgs } from '../../../../src/adapters/builders/containers-cli.ts';
import { webUrl } from '../../../../src/adapters/builders/git-source.ts';
import { hostPlatform } from '../../../../src/adapters/builders/host-platform.ts';
import { kanikoArgs } from '../../../../src/adapters/builders/kaniko.ts';
import type { BuildRequest } from '../../../../src/adapters/builders/types.ts';
import { RegistryClient } from '../../../../src/adapters/registry/registry-client.ts';

const request: BuildRequest = {
  context: '/src/app',
  dockerfile: '/src/app/Dockerfile',
  dockerfileText: 'FROM scratch\n',
  target: 'final',
  buildArgs: [
    ['A', '1'],
    ['B', 'x y'],
  ],
  platforms: [],
  labels: [['org.opencontainers.image.revision', 'abc']],
  created: 1700000000,
  workDir: '/ci/work',
  insecureRegistries: [],
  registry: new RegistryClient({ env: {} }),
  env: {},
  log: () => {},
};
const multi = {
  ...request,
  platforms: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ],
  sourceDateEpoch: 1700000000,
  authFile: '/ci/work/config.json',
  insecureRegistries: ['localhost:5000'],
};

describe('buildah/podman arguments', () => {
  it('one platform: --tag, no timestamp', () => {
    assert.deepEqual(containersBuildArgs(request, 'localhost/x'), [
      'build',
      '--file',
      '/src/app/Dockerfile',
      '--target',
      'final',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=x y',
      '--label',
      'org.opencontainers.image.revision=abc',
      '--tag',
      'localhost/x',
      '/src/app',
    ]);
    assert.deepEqual(containersPushArgs(request, 'localhost/x', '/ci/work/l'), ['push', 'localhost/x', 'oci:/ci/work/l:baton']);
    assert.deepEqual(containersCleanupArgs(request, 'localhost/x'), ['rmi', 'localhost/x']);
  });
  it('several platforms: a manifest list without the layer cache, --timestamp, --authfile, --tls-verify=false', () => {
    assert.deepEqual(containersBuildArgs(multi, 'localhost/x').slice(11), [
      '--platform',
      'linux/amd64,linux/arm64/v8',
      '--manifest',
      'localhost/x',
      '--layers=false',
      '--timestamp',
      '1700000000',
      '--authfile',
      '/ci/work/config.json',
      '--tls-verify=false',
      '/src/app',
    ]);
    assert.deepEqual(containersPushArgs(multi, 'localhost/x', '/l'), ['manifest', 'push', '--all', 'localhost/x', 'oci:/l:baton']);
    assert.deepEqual(containersCleanupArgs(multi, 'localhost/x'), ['manifest', 'rm', 'localhost/x']);
  });
});

describe('buildx arguments', () => {
  it('exports an OCI layout directory', () => {
    assert.deepEqual(buildxArgs(multi, '/ci/work/bx'), [
      'buildx',
      'build',
      '--progress',
      'plain',
      '--file',
      '/src/app/Dockerfile',
      '--target',
      'final',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=x y',
      '--label',
      'org.opencontainers.image.revision=abc',
      '--platform',
      'linux/amd64,linux/arm64/v8',
      '--output',
      'type=oci,dest=/ci/work/bx,tar=false',
      '--metadata-file',
      '/ci/work/buildx-metadata.json',
      '/src/app',
    ]);
  });
  it('reads the driver from docker buildx inspect', () => {
    assert.equal(buildxDriver('Name:          builder\nDriver:        docker-container\nLast Activity: now\n'), 'docker-container');
    assert.equal(buildxDriver('nothing'), undefined);
  });
});

describe('kaniko arguments', () => {
  it('one platform per run, no push, an OCI layout', () => {
    assert.deepEqual(kanikoArgs(multi, '/ci/work/k0', multi.platforms[1]), [
      '--context',
      'dir:///src/app',
      '--dockerfile',
      '/src/app/Dockerfile',
      '--no-push',
      '--oci-layout-path',
      '/ci/work/k0',
      '--target',
      'final',
      '--build-arg',
      'A=1',
      '--build-arg',
      'B=x y',
      '--label',
      'org.opencontainers.image.revision=abc',
      '--custom-platform',
      'linux/arm64/v8',
      '--reproducible',
      '--insecure-registry',
      'localhost:5000',
    ]);
  });
});

describe('small helpers', () => {
  it('webUrl drops credentials and .git', () => {
    assert.equal(webUrl('git@github.com:acme/api.git'), 'https://github.com/acme/api');
    assert.equal(webUrl('https://x-access-token:secret@github.com/acme/api.git'), 'https://github.com/acme/api');
    assert.equal(webUrl('ssh://git@gitlab.example:2222/group/sub/api.git'), 'https://gitlab.example/group/sub/api');
    assert.equal(webUrl('/local/path'), undefined);
  });
  it('hostPlatform maps Node architectures to image platforms', () => {
    assert.deepEqual(hostPlatform('x64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(hostPlatform('arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  });
});
