import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateImages } from '../../../../src/core/edit/index.ts';
import { planRollback } from '../../../../src/core/rollback/apply.ts';
import { planRespectingHolds } from '../../../../src/core/rollback/guard.ts';
import { findHolds, formatHold, type Hold, parseHold, placeHolds, removeHolds } from '../../../../src/core/rollback/holds.ts';
import { parseImageRef } from '../../../../src/core/image-ref.ts';

const API = 'ghcr.io/acme/api';
const hold = (image = API, reason = 'error rate up'): Hold => ({
  image,
  actor: 'Jane "J" Doe',
  time: '2024-06-01T10:00:00.000Z',
  reason,
  selector: '--env production',
});
const place = (file: string, text: string, image = API) =>
  placeHolds(
    new Map([[file, text]]),
    locateImages(file, text, { pin: 'tag', allowDowngrade: false })
      .filter((s) => `${s.image.registry}/${s.image.repository}` === image)
      .map((s) => ({ file, line: s.line, image })),
    (i) => hold(i),
  ).get(file);

describe('hold comments', () => {
  it('round-trips through format and parse, quotes and all', () => {
    const line = formatHold(hold(API, 'p99 "latency"\nand errors'));
    assert.equal(
      line,
      '# baton-hold: ghcr.io/acme/api by "Jane \\"J\\" Doe" on 2024-06-01T10:00:00.000Z reason "p99 \\"latency\\" and errors"; ' +
        'release: baton release-hold --env production --image ghcr.io/acme/api',
    );
    assert.deepEqual(parseHold(`    ${line}`), { ...hold(API, 'p99 "latency" and errors') });
    assert.equal(parseHold('# baton: ghcr.io/acme/api'), undefined, 'a marker is not a hold');
    assert.equal(formatHold(hold('docker.io/library/nginx')).includes(' nginx by '), true, 'familiar names in the comment');
  });

  const table: Array<[string, string, string, string]> = [
    [
      'kustomize entry',
      'kustomization.yaml',
      'images:\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n',
      'images:\n  # HOLD\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n',
    ],
    [
      'container image with a comment on its line',
      'd.yaml',
      'kind: Deployment\napiVersion: apps/v1\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          ' +
        'image: ghcr.io/acme/api:1.0.0 # prod\n',
      'kind: Deployment\napiVersion: apps/v1\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          # ' +
        'HOLD\n          image: ghcr.io/acme/api:1.0.0 # prod\n',
    ],
    [
      'helm values with a split registry',
      'values.yaml',
      'image:\n  registry: ghcr.io\n  repository: acme/api\n  tag: "1.0"\n',
      'image:\n  registry: ghcr.io\n  # HOLD\n  repository: acme/api\n  tag: "1.0"\n',
    ],
    [
      'CRLF endings are kept',
      'kustomization.yaml',
      'images:\r\n  - name: ghcr.io/acme/api\r\n    newTag: 1.0.0\r\n',
      'images:\r\n  # HOLD\r\n  - name: ghcr.io/acme/api\r\n    newTag: 1.0.0\r\n',
    ],
    [
      'a site on the first line keeps the BOM first',
      'values.yaml',
      '\uFEFFimage: ghcr.io/acme/api:1.0\n',
      '\uFEFF# HOLD\nimage: ghcr.io/acme/api:1.0\n',
    ],
  ];
  for (const [title, file, before, expected] of table) {
    it(`is placed above the value: ${title}`, () => {
      const after = place(file, before)!;
      assert.equal(after, expected.replace('# HOLD', formatHold(hold())));
      assert.deepEqual(
        locateImages(file, after, { pin: 'tag', allowDowngrade: false }).map((s) => s.image),
        locateImages(file, before, { pin: 'tag', allowDowngrade: false }).map((s) => s.image),
      );
      assert.deepEqual(
        findHolds(new Map([[file, after]])).map((h) => [h.image, h.actor]),
        [[API, 'Jane "J" Doe']],
      );
      assert.equal(removeHolds(new Map([[file, after]]), new Set([API])).get(file), before, 'release gives back the bytes');
    });
  }

  it('replaces the hold already above instead of adding another; JSON files carry none', () => {
    const once = place('kustomization.yaml', 'images:\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n')!;
    const twice = placeHolds(new Map([['kustomization.yaml', once]]), [{ file: 'kustomization.yaml', line: 3, image: API }], () =>
      hold(API, 'again'),
    ).get('kustomization.yaml')!;
    assert.equal(twice.match(/baton-hold/g)?.length, 1);
    assert.match(twice, /reason "again"/);
    assert.equal(
      placeHolds(new Map([['a.json', '{"image": "ghcr.io/acme/api:1"}']]), [{ file: 'a.json', line: 1, image: API }], () => hold()).size,
      0,
    );
  });

  it('a broken hold line is an error naming it, never ignored', () => {
    assert.throws(
      () => findHolds(new Map([['kustomization.yaml', 'images: []\n# baton-hold: ghcr.io/acme/api whenever\n']])),
      /kustomization\.yaml:2: a "# baton-hold:" comment Baton cannot read/,
    );
  });
});

describe('planning around holds', () => {
  const files = new Map([
    [
      'kustomization.yaml',
      `images:\n  ${formatHold(hold())}\n  - name: ghcr.io/acme/api\n    newTag: 1.0.0\n  - name: ghcr.io/acme/web\n    newTag: 2.0.0\n`,
    ],
  ]);
  const images = [parseImageRef('ghcr.io/acme/api:1.1.0'), parseImageRef('ghcr.io/acme/web:2.1.0')];

  it('leaves held images alone and reports the hold; the others are written', () => {
    const plan = planRespectingHolds(files, images, { pin: 'tag', allowDowngrade: false, overrideHold: false });
    assert.deepEqual(
      plan.held.map((h) => [h.image, h.line]),
      [[API, 2]],
    );
    assert.match(plan.edits[0]!.after, /newTag: 1\.0\.0\n.*\n {4}newTag: 2\.1\.0/s);
    assert.deepEqual(
      plan.edits[0]!.changes.map((c) => c.image),
      ['ghcr.io/acme/web'],
    );
    assert.ok(plan.sites.has(API), 'held images are still located');
  });

  it('override-hold writes them and removes the hold in the same edit, lines moved', () => {
    const plan = planRespectingHolds(files, images, { pin: 'tag', allowDowngrade: false, overrideHold: true });
    assert.equal(plan.held.length, 0);
    assert.equal(plan.released.length, 1);
    assert.equal(
      plan.edits[0]!.after,
      'images:\n  - name: ghcr.io/acme/api\n    newTag: 1.1.0\n  - name: ghcr.io/acme/web\n    newTag: 2.1.0\n',
    );
    assert.deepEqual(
      plan.edits[0]!.changes.map((c) => c.line),
      [3, 5],
    );
  });

  it('a rollback writes the version back, drops a newer digest for a tag-only state, and holds', () => {
    const text = `images:\n  - name: ghcr.io/acme/api\n    newTag: 1.2.0\n    digest: sha256:${'a'.repeat(64)}\n`;
    const plan = planRollback(
      new Map([['kustomization.yaml', text]]),
      [{ ref: parseImageRef('ghcr.io/acme/api:1.1.0'), pin: 'tag', from: parseImageRef('ghcr.io/acme/api:1.2.0') }],
      { policies: {}, root: '.', hold: () => hold() },
    );
    assert.equal(plan.edits[0]!.after, `images:\n  ${formatHold(hold())}\n  - name: ghcr.io/acme/api\n    newTag: 1.1.0\n`);
    assert.deepEqual(plan.held, [API]);
  });

  it('a rollback of an image written only in JSON cannot hold it', () => {
    const json = new Map([
      ['app.json', '{"kind": "Pod", "apiVersion": "v1", "spec": {"containers": [{"name": "a", "image": "ghcr.io/acme/api:1.2.0"}]}}'],
    ]);
    const write = [{ ref: parseImageRef('ghcr.io/acme/api:1.1.0'), pin: 'tag' as const, from: parseImageRef('ghcr.io/acme/api:1.2.0') }];
    assert.throws(
      () => planRollback(json, write, { policies: {}, root: '.', hold: () => hold() }),
      /hold: ghcr\.io\/acme\/api is written only in JSON files/,
    );
    assert.match(planRollback(json, write, { policies: {}, root: '.' }).edits[0]!.after, /api:1\.1\.0/);
  });
});
