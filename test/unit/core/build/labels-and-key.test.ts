import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeyValues } from '../../../../src/core/build/key-values.ts';
import { buildLabels, createdEpoch } from '../../../../src/core/build/labels.ts';
import { type SourceKeyParts, sourceKey, sourceKeyTag } from '../../../../src/core/build/source-key.ts';
import { UserError } from '../../../../src/core/errors.ts';

const PARTS: SourceKeyParts = {
  tree: 'git:aaff74984cccd156a469afa7d9ab10e4777beb24',
  dockerfile: `sha256:${'1'.repeat(64)}`,
  buildArgs: [
    ['A', '1'],
    ['B', '2'],
  ],
  target: 'final',
  platforms: ['linux/amd64', 'linux/arm64'],
  labels: [['team', 'web']],
};

describe('sourceKey', () => {
  it('does not depend on the order of args, platforms or labels', () => {
    const reordered = {
      ...PARTS,
      buildArgs: [
        ['B', '2'],
        ['A', '1'],
      ] as const,
      platforms: ['linux/arm64', 'linux/amd64'],
    };
    assert.equal(sourceKey(reordered), sourceKey(PARTS));
  });
  it('changes with every part', () => {
    const key = sourceKey(PARTS);
    const variants: Partial<SourceKeyParts>[] = [
      { tree: 'git:0000000000000000000000000000000000000000' },
      { dockerfile: `sha256:${'2'.repeat(64)}` },
      {
        buildArgs: [
          ['A', '1'],
          ['B', '3'],
        ],
      },
      { target: 'build' },
      { platforms: ['linux/amd64'] },
      { labels: [] },
    ];
    for (const variant of variants) assert.notEqual(sourceKey({ ...PARTS, ...variant }), key, JSON.stringify(variant));
  });
  it('is marked by a src- tag of 32 hex digits', () => {
    assert.match(sourceKeyTag(sourceKey(PARTS)), /^src-[0-9a-f]{32}$/);
  });
});

describe('labels', () => {
  it('sets source, revision, created and version; the user wins', () => {
    const labels = Object.fromEntries(
      buildLabels({ sha: 'c'.repeat(40), branch: 'main', repositoryUrl: 'https://forge/acme/api' }, 1700000000, [
        ['org.opencontainers.image.version', 'custom'],
        ['team', 'web'],
      ]),
    );
    assert.deepEqual(labels, {
      'org.opencontainers.image.source': 'https://forge/acme/api',
      'org.opencontainers.image.revision': 'c'.repeat(40),
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.version': 'custom',
      team: 'web',
    });
  });
  it('created: SOURCE_DATE_EPOCH, else the commit time, else now', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    assert.equal(createdEpoch(5, { commitTime: 6 }, now), 5);
    assert.equal(createdEpoch(undefined, { commitTime: 6 }, now), 6);
    assert.equal(createdEpoch(undefined, {}, now), 1704067200);
  });
});

describe('parseKeyValues', () => {
  it('keeps order, lets a later key win, keeps = in values', () => {
    assert.deepEqual(parseKeyValues(['A=1', 'B=x=y', 'A=2'], 'build-args', 'build-arg'), [
      ['B', 'x=y'],
      ['A', '2'],
    ]);
  });
  it('names the input for a bad item', () => {
    assert.throws(
      () => parseKeyValues(['=1'], 'labels', 'label'),
      (e: unknown) => e instanceof UserError && e.input === 'labels',
    );
    assert.throws(() => parseKeyValues(['1A=1'], 'build-args', 'build-arg'), /build-args: "1A" is not a valid build argument name/);
  });
});
