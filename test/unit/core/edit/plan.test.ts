import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonFolder, EditCheckError, type EditOptions, isDowngrade, planEdits, refVersion } from '../../../../src/core/edit/index.ts';
import { locateSites } from '../../../../src/core/edit/locate.ts';
import { verifyEdit } from '../../../../src/core/edit/verify.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { parseImageRef } from '../../../../src/core/image-ref.ts';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const TAG: EditOptions = { pin: 'tag', allowDowngrade: false };

function plan(files: Record<string, string>, images: string[], options: Partial<EditOptions> = {}) {
  return planEdits(
    new Map(Object.entries(files)),
    images.map((image) => parseImageRef(image)),
    { ...TAG, ...options },
  );
}

function userError(part: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.ok(error.message.includes(part), `"${error.message}" does not include "${part}"`);
    return true;
  };
}

describe('planEdits: changes, sites and skipped', () => {
  it('reports each value change with field, old/new values and its position in the edited text', () => {
    const result = plan(
      { 'env/kustomization.yaml': `images:\n  - name: nginx\n    newTag: 1.25.0\n    digest: ${D1}\n  - name: redis\n    newTag: "7"\n` },
      ['nginx:1.26.0'],
    );
    const [edit] = result.edits;
    assert.equal(edit?.after, 'images:\n  - name: nginx\n    newTag: 1.26.0\n  - name: redis\n    newTag: "7"\n');
    assert.deepEqual(edit?.changes, [
      {
        file: 'env/kustomization.yaml',
        line: 3,
        column: 13,
        kind: 'kustomize',
        image: 'docker.io/library/nginx',
        field: 'newTag',
        old: '1.25.0',
        new: '1.26.0',
        oldTag: '1.25.0',
        newTag: '1.26.0',
        oldDigest: D1,
        newDigest: undefined,
      },
      {
        file: 'env/kustomization.yaml',
        line: 4,
        column: 5,
        kind: 'kustomize',
        image: 'docker.io/library/nginx',
        field: 'digest',
        old: D1,
        new: undefined,
        oldTag: '1.25.0',
        newTag: '1.26.0',
        oldDigest: D1,
        newDigest: undefined,
      },
    ]);
  });

  it('positions an added field where it lands in the edited text', () => {
    const result = plan({ 'kustomization.yaml': 'a: 0\nimages:\n  - name: nginx\nb: 1\n' }, [`nginx:1.27.0@${D2}`], { pin: 'tag+digest' });
    assert.equal(result.edits[0]?.after, `a: 0\nimages:\n  - name: nginx\n    newTag: 1.27.0\n    digest: ${D2}\nb: 1\n`);
    assert.deepEqual(
      result.edits[0]?.changes.map((change) => [change.field, change.line, change.column]),
      [
        ['newTag', 4, 5],
        ['digest', 5, 5],
      ],
    );
  });

  it('pins Helm values without a digest key through the tag, and refuses pin digest without a tag there', () => {
    const values = { 'v.yaml': 'a:\n  image:\n    repository: nginx\nb: 1\n' };
    const result = plan(values, [`nginx:1.27.0@${D2}`], { pin: 'tag+digest' });
    assert.equal(result.edits[0]?.after, `a:\n  image:\n    repository: nginx\n    tag: 1.27.0@${D2}\nb: 1\n`);
    assert.deepEqual(
      result.edits[0]?.changes.map((change) => [change.field, change.line, change.column, change.newTag, change.newDigest]),
      [['tag', 4, 5, '1.27.0', D2]],
    );
    assert.throws(
      () => plan(values, [`nginx@${D2}`], { pin: 'digest' }),
      /v\.yaml:3:17: the values of nginx have no "digest" key.*Give the image with its tag/,
    );
  });

  it('lists every site of each requested image by canonical name, changed or not, and only edited files', () => {
    const result = plan(
      {
        'b/values.yaml': 'image: nginx:1.26.0\n',
        'a/deploy.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers: [{image: "docker.io/library/nginx:1.25.0"}]\n',
        'c/values.yaml': 'image: redis:7\n',
      },
      ['nginx:1.26.0'],
    );
    assert.deepEqual(
      result.edits.map((edit) => edit.file),
      ['a/deploy.yaml'],
    );
    assert.deepEqual([...result.sites.keys()], ['docker.io/library/nginx']);
    assert.deepEqual(
      result.sites.get('docker.io/library/nginx')?.map((site) => `${site.file}:${site.line}`),
      ['a/deploy.yaml:4', 'b/values.yaml:1'],
    );
  });

  it('skips a downgrade and says what it holds and what was wanted', () => {
    const result = plan({ 'v.yaml': 'x:\n  image: ghcr.io/acme/api:v2.0.0\n' }, ['ghcr.io/acme/api:v1.9.9']);
    assert.deepEqual(result.edits, []);
    assert.deepEqual(result.skipped, [
      { file: 'v.yaml', line: 2, image: 'ghcr.io/acme/api', current: 'v2.0.0', wanted: 'v1.9.9', reason: 'downgrade' },
    ]);
  });

  it('does not apply downgrade protection to tags that are not semver', () => {
    const result = plan({ 'v.yaml': 'image: nginx:latest\nother:\n  image: nginx:2024.06\n' }, ['nginx:1.0']);
    assert.equal(result.edits[0]?.after, 'image: nginx:1.0\nother:\n  image: nginx:1.0\n');
  });
});

describe('planEdits: bad requests and refusals', () => {
  it('names the image and the searched path when an image is found nowhere', () => {
    assert.throws(
      () => plan({ 'envs/prod/a/values.yaml': 'x: 1\n', 'envs/prod/b.yaml': 'y: 2\n' }, ['ghcr.io/acme/x:1']),
      userError('ghcr.io/acme/x was not found in any kustomization, manifest, Helm values file or marker under envs/prod;'),
    );
  });

  it('refuses an image given twice with different versions, accepts an exact repeat', () => {
    assert.throws(() => plan({ 'v.yaml': 'image: nginx:1\n' }, ['nginx:2', 'docker.io/nginx:3']), userError('is given twice'));
    assert.equal(plan({ 'v.yaml': 'image: nginx:1\n' }, ['nginx:2', 'nginx:2']).edits.length, 1);
  });

  it('refuses to drop a marked digest when pin tag comes without a digest', () => {
    const text = `image:\n  v: 1.0.0 # baton: ghcr.io/acme/a:tag\n  d: ${D1} # baton: ghcr.io/acme/a:digest\n`;
    assert.throws(() => plan({ 'v.yaml': text }, ['ghcr.io/acme/a:1.1.0']), userError('v.yaml:2:6: ghcr.io/acme/a has a marked digest'));
    const withDigest = plan({ 'v.yaml': text }, [`ghcr.io/acme/a:1.1.0@${D2}`]);
    assert.equal(withDigest.edits[0]?.after, `image:\n  v: 1.1.0 # baton: ghcr.io/acme/a:tag\n  d: ${D2} # baton: ghcr.io/acme/a:digest\n`);
  });

  it('writes what a marked site can hold, and refuses when it holds nothing the pin writes', () => {
    const tagOnly = 'x: 1.0.0 # baton: ghcr.io/acme/a:tag\n';
    const both = plan({ 'v.yaml': tagOnly }, [`ghcr.io/acme/a:1.1.0@${D2}`], { pin: 'tag+digest' });
    assert.equal(both.edits[0]?.after, 'x: 1.1.0 # baton: ghcr.io/acme/a:tag\n');
    const nameOnly = 'x: ghcr.io/acme/a # baton: ghcr.io/acme/a:name\n';
    assert.throws(() => plan({ 'v.yaml': nameOnly }, ['ghcr.io/acme/a:1.1.0']), userError('mark no value that can hold a tag'));
  });

  it('rewrites a :name value that holds another image, but not a split registry/repository', () => {
    const moved = plan({ 'v.yaml': 'img:\n  n: old.io/acme/a # baton: ghcr.io/acme/a:name\n  t: "1" # baton: ghcr.io/acme/a:tag\n' }, [
      'ghcr.io/acme/a:2',
    ]);
    assert.equal(moved.edits[0]?.after, 'img:\n  n: ghcr.io/acme/a # baton: ghcr.io/acme/a:name\n  t: "2" # baton: ghcr.io/acme/a:tag\n');
    const split = 'image:\n  registry: old.io\n  repository: acme/a # baton: ghcr.io/acme/a:name\n  tag: "1"\n';
    assert.throws(() => plan({ 'v.yaml': split }, ['ghcr.io/acme/a:2']), userError('does not rewrite a split name'));
  });

  it('refuses to change an anchor that also feeds another image', () => {
    const text =
      'v: &v 1.0.0\na:\n  image: {repository: nginx, tag: *v}\nb:\n  image: {repository: nginx, tag: 2.0.0}\nc:\n  image: ' +
      '{repository: redis, tag: *v}\n';
    assert.throws(() => plan({ 'v.yaml': text }, ['nginx:1.1.0']), userError('shared through a YAML anchor'));
  });

  it('removes a stale digest that opens a sequence entry, or sits in a flow map', () => {
    const compact = plan({ 'kustomization.yaml': `images:\n  - digest: ${D1}\n    name: nginx\n    newTag: 1.25.0\n` }, ['nginx:1.26.0']);
    assert.equal(compact.edits[0]?.after, 'images:\n  - name: nginx\n    newTag: 1.26.0\n');
    const flow = plan({ 'kustomization.yaml': `images: [{name: nginx, digest: ${D1}, newTag: "1.25"}]\n` }, ['nginx:1.26']);
    assert.equal(flow.edits[0]?.after, 'images: [{name: nginx, newTag: "1.26"}]\n');
  });

  it('treats a Flux Kustomization kept in kustomization.yaml as a Flux object', () => {
    const text =
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  images:\n    - name: nginx\n      newTag: 1.25.0\n';
    assert.equal(plan({ 'kustomization.yaml': text }, ['nginx:1.26.0']).edits[0]?.after, text.replace('1.25.0', '1.26.0'));
  });

  it('names a marked sequence entry by what the marker says it holds', () => {
    const result = plan({ 'v.yaml': 'tags:\n  - 1.0.0 # baton: ghcr.io/acme/a:tag\n' }, ['ghcr.io/acme/a:1.1.0']);
    assert.deepEqual(
      result.edits[0]?.changes.map((change) => [change.kind, change.field, change.old, change.new]),
      [['marker', 'tag', '1.0.0', '1.1.0']],
    );
  });

  it('leaves the input map untouched', () => {
    const files = new Map([['v.yaml', 'image: nginx:1\n']]);
    planEdits(files, [parseImageRef('nginx:2')], TAG);
    assert.equal(files.get('v.yaml'), 'image: nginx:1\n');
  });
});

describe('pin and downgrade rules', () => {
  it('refVersion follows the pin', () => {
    const wanted = { tag: '2', digest: D2 };
    assert.deepEqual(refVersion({ tag: '1' }, wanted, 'tag'), { tag: '2', digest: undefined });
    assert.deepEqual(refVersion({ tag: '1', digest: D1 }, wanted, 'tag'), { tag: '2', digest: D2 });
    assert.deepEqual(refVersion({ tag: '1', digest: D1 }, { tag: '2' }, 'tag'), { tag: '2', digest: undefined });
    assert.deepEqual(refVersion({ tag: '1' }, wanted, 'digest'), { digest: D2 });
    assert.deepEqual(refVersion({}, wanted, 'tag+digest'), { tag: '2', digest: D2 });
  });

  it('isDowngrade compares semver tags only, with or without a leading v', () => {
    const rows: ReadonlyArray<readonly [string | undefined, string | undefined, boolean]> = [
      ['1.2.3', '1.2.2', true],
      ['v2.0.0', 'v1.9.9', true],
      ['v2.0.0', '1.9.9', true],
      ['1.0.0', '1.0.0-rc.1', true],
      ['1.0.0-rc.1', '1.0.0', false],
      ['1.2.3', '1.2.3', false],
      ['1.2.3', '1.10.0', false],
      ['1.10', '1.9', false],
      ['latest', '1.0.0', false],
      [undefined, '1.0.0', false],
      ['1.0.0', undefined, false],
    ];
    for (const [current, next, expected] of rows) assert.equal(isDowngrade(current, next), expected, `${current} → ${next}`);
  });

  it('commonFolder finds the deepest shared folder', () => {
    assert.equal(commonFolder(['envs/a/x.yaml', 'envs/a/b/y.yaml']), 'envs/a');
    assert.equal(commonFolder(['x.yaml', 'envs/y.yaml']), '.');
    assert.equal(commonFolder([]), '.');
  });
});

describe('the after-edit check', () => {
  const text = 'image: nginx:1\nother: a # keep\n';
  const before = locateSites('v.yaml', text, {});
  const site = before.sites[0]!;
  const expected = new Map([[site, { tag: '2' }]]);
  const patches = [{ docIndex: 0, path: ['image'], value: 'nginx:2' }];

  it('passes an edit that changed exactly the planned value', () => {
    verifyEdit(before, 'image: nginx:2\nother: a # keep\n', expected, patches, {});
  });

  it('fails when another value changed', () => {
    assert.throws(() => verifyEdit(before, 'image: nginx:2\nother: b # keep\n', expected, patches, {}), EditCheckError);
  });

  it('fails when a value changed type', () => {
    const numeric = locateSites('v.yaml', 'image: nginx:1\nv: "1.10"\n', {});
    assert.throws(
      () => verifyEdit(numeric, 'image: nginx:2\nv: 1.10\n', new Map([[numeric.sites[0]!, { tag: '2' }]]), patches, {}),
      EditCheckError,
    );
  });

  it('fails when the site does not hold the planned version', () => {
    assert.throws(
      () => verifyEdit(before, 'image: nginx:3\nother: a # keep\n', expected, [{ ...patches[0]!, value: 'nginx:3' }], {}),
      EditCheckError,
    );
  });

  it('fails when the edited text does not parse', () => {
    assert.throws(() => verifyEdit(before, 'image: nginx:2\nother: [a # keep\n', expected, patches, {}), EditCheckError);
  });
  it(
    'edits a whole-reference Helm parameter of an Argo CD override, and warns about an override that names the image without an ' +
      'editable value',
    () => {
      const result = plan(
        {
          'envs/p/.argocd-source-api.yaml': 'helm:\n  parameters:\n  - name: worker.image\n    value: ghcr.io/acme/api:1.0.0\n',
          'envs/p/.argocd-source-web.yaml': 'helm:\n  parameters:\n  - name: image.spec\n    value: "ghcr.io/acme/api"\n',
        },
        ['ghcr.io/acme/api:1.1.0'],
      );
      assert.equal(result.edits[0]?.after, 'helm:\n  parameters:\n  - name: worker.image\n    value: ghcr.io/acme/api:1.1.0\n');
      assert.deepEqual(result.notices, [
        'warning: envs/p/.argocd-source-web.yaml names ghcr.io/acme/api, but holds no value Baton can edit for it; Argo CD reads this ' +
          'override over the other files, so check it by hand.',
      ]);
    },
  );
});
