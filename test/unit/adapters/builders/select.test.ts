import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectBuilder } from '../../../../src/adapters/builders/select.ts';
import type { Availability, Builder, BuilderName } from '../../../../src/adapters/builders/types.ts';
import { UserError } from '../../../../src/core/errors.ts';

const request = { context: '/c', dockerfile: '/c/Dockerfile', dockerfileText: 'FROM scratch\n', buildArgs: [], platforms: [] };

function fake(name: BuilderName, availability: Availability, unsupported?: string): Builder {
  return {
    name,
    probe: async () => availability,
    ...(unsupported ? { unsupported: () => unsupported } : {}),
    build: async () => assert.fail('not built here'),
  };
}

const builders = [
  fake('buildx', { ok: false, reason: 'docker buildx is not installed' }),
  fake('buildah', { ok: true, version: '1.28.2' }),
  fake('podman', { ok: true, version: '5' }),
  fake('kaniko', { ok: false, reason: 'executor was not found on PATH' }),
  fake('layer', { ok: true, version: 'built in' }, 'Dockerfile:3: RUN needs a builder that runs commands'),
];

describe('selectBuilder', () => {
  it('auto takes the first that works and says why it passed the others over', async () => {
    const selection = await selectBuilder('auto', request, builders, {});
    assert.equal(selection.builder.name, 'buildah');
    assert.deepEqual(selection.passed, ['buildx: docker buildx is not installed']);
  });
  it('auto with nothing usable lists every reason', async () => {
    const none = builders.map((b) =>
      b.name === 'buildah' || b.name === 'podman' ? fake(b.name, { ok: false, reason: `${b.name} missing` }) : b,
    );
    await assert.rejects(
      selectBuilder('auto', request, none, {}),
      (e: unknown) =>
        e instanceof UserError &&
        e.input === 'builder' &&
        /layer: Dockerfile:3: RUN needs/.test(e.message) &&
        /buildah: buildah missing/.test(e.message),
    );
  });
  it('a named builder that cannot run is a UserError naming the builder input', async () => {
    await assert.rejects(
      selectBuilder('kaniko', request, builders, {}),
      /^UserError: builder: kaniko cannot build here: executor was not found on PATH\.$/,
    );
    await assert.rejects(
      selectBuilder('layer', request, builders, {}),
      /builder: layer cannot build here: Dockerfile:3: RUN needs a builder/,
    );
  });
});
