import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { importArgoCd, parseImageListEntry } from '../../../../src/core/update/import-argocd.ts';
import { importFlux } from '../../../../src/core/update/import-flux.ts';
import { importEdits } from '../../../../src/core/update/import-write.ts';

describe('Argo CD Image Updater image-list entries', () => {
  const cases: [string, ReturnType<typeof parseImageListEntry>][] = [
    ['nginx', { alias: 'nginx', image: 'nginx' }],
    ['nginx:~1.26', { alias: 'nginx', image: 'nginx', constraint: '~1.26' }],
    ['myalias=some/image', { alias: 'myalias', image: 'some/image' }],
    ['api=registry.local:5000/acme/api:1.x', { alias: 'api', image: 'registry.local:5000/acme/api', constraint: '1.x' }],
    ['registry.local:5000/acme/web', { alias: 'web', image: 'registry.local:5000/acme/web' }],
  ];
  for (const [entry, want] of cases) test(entry, () => assert.deepEqual(parseImageListEntry(entry), want));

  test('an unknown strategy is reported and left out; digest follows the constraint as its tag', () => {
    const result = importArgoCd([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        file: 'apps/a.yaml',
        metadata: {
          name: 'a',
          annotations: {
            'argocd-image-updater.argoproj.io/image-list': 'x=acme/x, y=acme/y:stable',
            'argocd-image-updater.argoproj.io/x.update-strategy': 'random',
            'argocd-image-updater.argoproj.io/y.update-strategy': 'digest',
          },
        },
        spec: { source: { path: 'envs/a' } },
      },
    ]);
    assert.deepEqual([...result.policies], [['a-y', { image: 'acme/y', strategy: 'digest', tag: 'stable' }]]);
    assert.ok(result.notes.some((n) => /x\.update-strategy "random"/.test(n)));
    assert.ok(result.notes.some((n) => /write-back-method argocd keeps versions in the Application/.test(n)));
  });
});

describe('Flux objects', () => {
  test('an ImagePolicy whose ImageRepository is missing is reported; numerical with filterTags carries over', () => {
    const objects = [
      {
        apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
        kind: 'ImageRepository',
        file: 'f.yaml',
        metadata: { name: 'app', namespace: 'flux-system' },
        spec: { image: 'ghcr.io/acme/app', exclusionList: ['^.*\\.sig$', '^dev-'] },
      },
      {
        apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
        kind: 'ImagePolicy',
        file: 'f.yaml',
        metadata: { name: 'app', namespace: 'flux-system' },
        spec: {
          imageRepositoryRef: { name: 'app' },
          filterTags: { pattern: '^main-[a-fA-F0-9]+-(?P<ts>.*)', extract: '$ts' },
          policy: { numerical: { order: 'asc' } },
        },
      },
      {
        apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
        kind: 'ImagePolicy',
        file: 'g.yaml',
        metadata: { name: 'orphan', namespace: 'flux-system' },
        spec: { imageRepositoryRef: { name: 'gone' }, policy: { semver: { range: '1.x' } } },
      },
    ];
    const result = importFlux(objects, new Map());
    assert.deepEqual(result.policies.get('app'), {
      image: 'ghcr.io/acme/app',
      strategy: 'numerical',
      order: 'asc',
      filter: { pattern: '^main-[a-fA-F0-9]+-(?P<ts>.*)', extract: '$ts' },
      ignore: ['regexp:^.*\\.sig$', 'regexp:^dev-'],
    });
    assert.ok(result.notes.some((n) => /ImagePolicy flux-system\/orphan .* ImageRepository flux-system\/gone/.test(n)));
  });
});

describe('writing an import into baton.yaml', () => {
  test('comments and other keys stay (a comment after a key moves to the line below); an environment with the same path gets the policies', () => {
    const before = '# our environments\nenvironments:\n  staging: # the first one\n    path: ./envs/staging\n';
    const edits = importEdits(
      {
        policies: new Map([['app', { image: 'ghcr.io/acme/app', strategy: 'semver', range: '^1' }]]),
        environments: [{ name: 'flux-system', path: 'envs/staging', update: ['app'] }],
        markers: [],
        notes: [],
      },
      before,
      new Map(),
    );
    assert.equal(edits.length, 1);
    assert.equal(
      edits[0]!.after,
      '# our environments\nenvironments:\n  staging:\n    # the first one\n    path: ./envs/staging\n    update: [ app ' +
        ']\npolicies:\n  app:\n    image: ghcr.io/acme/app\n    strategy: semver\n    range: ^1\n',
    );
  });
});
