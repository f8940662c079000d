/** From desired and live objects to a verdict. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessDrift } from '../../../../src/core/drift/assess.ts';
import { type KubeDoc, keyId, keyOf } from '../../../../src/core/drift/types.ts';

const cm = (name: string, data: Record<string, string>, namespace = 'shop'): KubeDoc => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const deploy = (image: string): KubeDoc => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name: 'web', image }] } } },
});

function live(
  objects: KubeDoc[],
  owned: KubeDoc[] = [],
  unreadable: { group: string; kind: string; namespace: string; message: string }[] = [],
) {
  return { objects: new Map(objects.map((o) => [keyId(keyOf(o)), o])), owned, unreadable };
}

test('in sync', () => {
  const report = assessDrift([cm('a', { x: '1' })], live([cm('a', { x: '1' })]), [], 'shop', 'test');
  assert.equal(report.verdict, 'in-sync');
  assert.equal(report.checked, 1);
});

test('missing, changed, extra and unreadable, image drift first', () => {
  const desired = [
    cm('a', { x: '1' }),
    cm('gone', {}),
    deploy('web:1'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } },
  ];
  const report = assessDrift(
    desired,
    live(
      [cm('a', { x: '2' }), deploy('web:2')],
      [cm('a', { x: '2' }), cm('old', {})],
      [{ group: '', kind: 'Secret', namespace: 'shop', message: 'forbidden' }],
    ),
    [],
    'shop',
    'test',
  );
  assert.equal(report.verdict, 'drifted');
  assert.deepEqual(
    report.drifts.map((d) => [d.kind, `${d.key.kind}/${d.key.name}`]),
    [
      ['changed', 'Deployment/web'],
      ['missing', 'ConfigMap/gone'],
      ['changed', 'ConfigMap/a'],
      ['extra', 'ConfigMap/old'],
      ['unreadable', 'Secret/*'],
    ],
  );
});

test('objects without a namespace take the given one', () => {
  const report = assessDrift(
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } }],
    live([cm('a', { x: '1' }, 'prod')]),
    [],
    'prod',
    'test',
  );
  assert.equal(report.verdict, 'in-sync');
});
