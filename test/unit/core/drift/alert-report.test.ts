/** The next step, and the reports, from a drift report. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertAction, alertBody } from '../../../../src/core/drift/alert.ts';
import { assessArgoApplication } from '../../../../src/core/drift/argocd.ts';
import { assessFluxObject, inventoryOf, parseInventoryEntry } from '../../../../src/core/drift/flux.ts';
import { driftJunit, driftSummary } from '../../../../src/core/drift/report.ts';
import type { DriftReport } from '../../../../src/core/drift/types.ts';

const KEY = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' };
const drifted: DriftReport = {
  verdict: 'drifted',
  checked: 3,
  source: 'envs/prod',
  drifts: [
    {
      key: KEY,
      kind: 'changed',
      diffs: [{ path: 'spec.template.spec.containers[name=web].image', want: 'web:1', got: 'web:<2>', image: true }],
      message: '1 field differs',
    },
  ],
};
const inSync: DriftReport = { verdict: 'in-sync', checked: 3, source: 'envs/prod', drifts: [] };

describe('alertAction', () => {
  test('drift and no issue: open one', () => {
    const action = alertAction('prod', drifted, undefined, 'https://ci.example/run/1');
    assert.equal(action.kind, 'open');
    assert.match(action.kind === 'open' ? action.body : '', /Last run that saw it: https:\/\/ci\.example\/run\/1/);
  });
  test('the same drift on a later run (another run URL): nothing to do', () => {
    assert.deepEqual(
      alertAction('prod', drifted, { body: alertBody('prod', drifted, 'https://ci.example/run/1') }, 'https://ci.example/run/2'),
      { kind: 'none' },
    );
  });
  test('a changed drift: update with a comment', () => {
    const more: DriftReport = {
      ...drifted,
      drifts: [...drifted.drifts, { key: { ...KEY, kind: 'Service', group: '' }, kind: 'missing', diffs: [] }],
    };
    const action = alertAction('prod', more, { body: alertBody('prod', drifted) });
    assert.equal(action.kind, 'update');
    assert.match(action.kind === 'update' ? (action.comment ?? '') : '', /now 2 object\(s\)/);
  });
  test('the same objects, other values: update without a comment', () => {
    const other: DriftReport = {
      ...drifted,
      drifts: [{ ...drifted.drifts[0]!, diffs: [{ ...drifted.drifts[0]!.diffs[0]!, got: 'web:3' }] }],
    };
    const action = alertAction('prod', other, { body: alertBody('prod', drifted) });
    assert.equal(action.kind, 'update');
    assert.equal(action.kind === 'update' ? action.comment : 'x', undefined);
  });
  test('in sync with an issue open: close; without: nothing', () => {
    assert.equal(alertAction('prod', inSync, { body: 'x' }).kind, 'close');
    assert.equal(alertAction('prod', inSync, undefined).kind, 'none');
  });
});

describe('reports', () => {
  test('JUnit: one failing case per drifted object, one passing case for the rest, escaped', () => {
    const xml = driftJunit(drifted, 'prod');
    assert.match(xml, /<testsuite name="prod" tests="2" failures="1"/);
    assert.match(xml, /<testcase name="Deployment\/shop\/web" classname="prod" time="0">\n {6}<failure type="changed"/);
    assert.match(xml, /web:&lt;2&gt;/);
    assert.match(xml, /<testcase name="2 object\(s\) in sync"/);
  });
  test('summary: a table with Git → cluster', () => {
    assert.match(
      driftSummary(drifted, 'drift prod'),
      /\| Deployment\/shop\/web \| changed \| 1 field differs<br>`image spec\.template\.spec\.containers\[name=web\]\.image: web:1 → web:<2>` \|/,
    );
    assert.match(driftSummary(inSync, 'drift prod'), /in sync/);
  });
});

describe('agents', () => {
  test('Argo CD: OutOfSync resources with target/live state become field diffs; prunable ones extra; Synced ones skipped', () => {
    const app = {
      status: {
        sync: { status: 'OutOfSync' },
        resources: [
          { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web', status: 'OutOfSync' },
          { kind: 'ConfigMap', namespace: 'shop', name: 'c', status: 'Synced' },
          { kind: 'Service', namespace: 'shop', name: 'old', status: 'OutOfSync', requiresPruning: true },
          { kind: 'Secret', namespace: 'shop', name: 'gone', status: 'OutOfSync' },
        ],
      },
    };
    const dep = (replicas: number) =>
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas } });
    const managed = [
      {
        group: 'apps',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'web',
        targetState: dep(2),
        liveState: dep(3),
        normalizedLiveState: dep(3),
      },
      { kind: 'Secret', namespace: 'shop', name: 'gone', targetState: '{"kind":"Secret","metadata":{"name":"gone"}}', liveState: 'null' },
    ];
    const result = assessArgoApplication('shop', app, managed, []);
    assert.deepEqual(
      result.drifts.map((d) => [d.kind, d.key.name, d.diffs.map((f) => f.path)]),
      [
        ['changed', 'web', ['spec.replicas']],
        ['extra', 'old', []],
        ['missing', 'gone', []],
      ],
    );
    assert.equal(result.checked, 4);
  });
  test('Argo CD: OutOfSync with no resource listed is still drift', () => {
    assert.deepEqual(
      assessArgoApplication('shop', { status: { sync: { status: 'Unknown' } } }, [], []).drifts.map((d) => d.kind),
      ['out-of-sync'],
    );
  });
  test('Flux inventory ids', () => {
    assert.deepEqual(parseInventoryEntry('shop_web_apps_Deployment', 'v1'), {
      apiVersion: 'apps/v1',
      key: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' },
    });
    assert.deepEqual(parseInventoryEntry('_shop__Namespace', 'v1'), {
      apiVersion: 'v1',
      key: { group: '', kind: 'Namespace', namespace: '', name: 'shop' },
    });
    assert.equal(parseInventoryEntry('bad', 'v1'), undefined);
    assert.equal(inventoryOf({ status: { inventory: { entries: [{ id: 'a_b__ConfigMap', v: 'v1' }, { id: 'x' }] } } }).length, 1);
  });
  test('Flux: the newest drift event decides', () => {
    const key = { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease', namespace: 'shop', name: 'web' };
    const ready = { status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    const ev = (reason: string, at: string) => ({
      involvedObject: { kind: 'HelmRelease', name: 'web' },
      reason,
      message: reason,
      lastTimestamp: at,
    });
    const detected = ev('DriftDetected', '2025-01-01T00:00:00Z');
    const corrected = ev('DriftCorrected', '2025-01-01T00:01:00Z');
    assert.deepEqual(
      assessFluxObject(key, ready, [detected]).drifts.map((d) => d.kind),
      ['changed'],
    );
    assert.deepEqual(assessFluxObject(key, ready, [corrected, detected]), { drifts: [], corrected: true });
    assert.deepEqual(
      assessFluxObject(key, { ...ready, spec: { suspend: true } }, []).drifts.map((d) => d.message),
      ['suspended: Flux does not apply Git to it'],
    );
    assert.deepEqual(
      assessFluxObject(key, undefined, []).drifts.map((d) => d.kind),
      ['unreadable'],
    );
  });
});
