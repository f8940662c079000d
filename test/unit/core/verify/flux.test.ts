/** Flux revisions and the Kustomization / HelmRelease rules. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessFlux, type FluxKind } from '../../../../src/core/verify/flux.ts';
import { parseFluxRevision, revisionNames, sameCommit } from '../../../../src/core/verify/flux-revision.ts';
import type { KubeObject } from '../../../../src/core/verify/types.ts';

const SHA = '5f3c2d1e0b9a8f7e6d5c4b3a29180716253a4b5c';
const OLD = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

describe('revision formats', () => {
  const cases: [string, { ref?: string; algorithm?: string; digest: string } | undefined][] = [
    [`main@sha1:${SHA}`, { ref: 'main', algorithm: 'sha1', digest: SHA }],
    [`v1.2.3@sha1:${SHA}`, { ref: 'v1.2.3', algorithm: 'sha1', digest: SHA }],
    [`refs/heads/main@sha1:${SHA}`, { ref: 'refs/heads/main', algorithm: 'sha1', digest: SHA }],
    [`refs/pull/42/head@sha1:${SHA}`, { ref: 'refs/pull/42/head', algorithm: 'sha1', digest: SHA }],
    [`sha1:${SHA}`, { algorithm: 'sha1', digest: SHA }],
    [`main/${SHA}`, { ref: 'main', digest: SHA }],
    [`feature/x/${SHA}`, { ref: 'feature/x', digest: SHA }],
    [`latest@sha256:${'c'.repeat(64)}`, { ref: 'latest', algorithm: 'sha256', digest: 'c'.repeat(64) }],
    [`1.4.0+${SHA.slice(0, 12)}`, { ref: '1.4.0', digest: SHA.slice(0, 12) }],
    [SHA, { digest: SHA }],
    ['1.4.0', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) test(text || '(empty)', () => assert.deepEqual(parseFluxRevision(text), expected));

  test('the commit matches in every format, abbreviations included', () => {
    for (const text of [`main@sha1:${SHA}`, `v1.2.3@sha1:${SHA}`, `sha1:${SHA}`, `main/${SHA}`, `1.4.0+${SHA.slice(0, 12)}`]) {
      assert.ok(revisionNames(text, SHA), text);
      assert.ok(revisionNames(text, SHA.slice(0, 7)), `${text} (short)`);
      assert.ok(!revisionNames(text, OLD), `${text} (other)`);
    }
  });
  test('abbreviations need 7 hex digits', () => {
    assert.ok(!sameCommit(SHA.slice(0, 6), SHA));
    assert.ok(sameCommit(SHA.toUpperCase(), SHA));
  });
});

function flux(
  _kind: FluxKind,
  status: Record<string, unknown>,
  meta: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    metadata: { name: 'apps', namespace: 'flux-system', generation: 3, ...meta },
    spec,
    status: { observedGeneration: 3, ...status },
  };
}

function ready(value: string, reason: string, message = ''): Record<string, unknown> {
  return { type: 'Ready', status: value, reason, message };
}

describe('Kustomization', () => {
  const rules = { expectedRevision: SHA };
  const cases: [string, KubeObject | undefined, string, string, RegExp?][] = [
    [
      'Ready at the expected commit',
      flux('Kustomization', {
        conditions: [ready('True', 'ReconciliationSucceeded', `Applied revision: main@sha1:${SHA}`)],
        lastAppliedRevision: `main@sha1:${SHA}`,
      }),
      'healthy',
      'ready',
    ],
    [
      'Ready at the expected commit, legacy format',
      flux('Kustomization', { conditions: [ready('True', 'ReconciliationSucceeded')], lastAppliedRevision: `main/${SHA}` }),
      'healthy',
      'ready',
    ],
    [
      'Ready at an older commit: waits',
      flux('Kustomization', { conditions: [ready('True', 'ReconciliationSucceeded')], lastAppliedRevision: `main@sha1:${OLD}` }),
      'progressing',
      'waiting-for-revision',
      /Ready at main@sha1:0a1b2c3d4e5f; waiting for 5f3c2d1e0b9a/,
    ],
    [
      'HealthCheckFailed on the expected commit fails',
      flux('Kustomization', {
        conditions: [
          ready(
            'False',
            'HealthCheckFailed',
            "health check failed after 2m0s: timeout waiting for: [Deployment/prod/web status: 'Failed']",
          ),
        ],
        lastAttemptedRevision: `main@sha1:${SHA}`,
        lastAppliedRevision: `main@sha1:${SHA}`,
      }),
      'failed',
      'health-check-failed',
      /Deployment\/prod\/web/,
    ],
    [
      'HealthCheckFailed of an older commit: waits for the new attempt',
      flux('Kustomization', {
        conditions: [ready('False', 'HealthCheckFailed', 'old failure')],
        lastAttemptedRevision: `main@sha1:${OLD}`,
      }),
      'progressing',
      'not-ready',
    ],
    [
      'DependencyNotReady waits',
      flux('Kustomization', {
        conditions: [ready('False', 'DependencyNotReady', "dependency 'flux-system/infra' is not ready")],
        lastAttemptedRevision: `main@sha1:${SHA}`,
      }),
      'progressing',
      'dependency-not-ready',
      /infra/,
    ],
    [
      'ReconciliationFailed (build error) on the expected commit fails',
      flux('Kustomization', {
        conditions: [ready('False', 'BuildFailed', 'kustomize build failed: accumulating resources')],
        lastAttemptedRevision: `main@sha1:${SHA}`,
      }),
      'failed',
      'reconciliation-failed',
    ],
    [
      'Reconciling (Ready=Unknown) waits',
      flux('Kustomization', {
        conditions: [ready('Unknown', 'Progressing', 'Reconciliation in progress'), { type: 'Reconciling', status: 'True' }],
      }),
      'progressing',
      'reconciling',
    ],
    [
      'Stalled fails',
      flux('Kustomization', {
        conditions: [
          { type: 'Stalled', status: 'True', reason: 'InvalidPath', message: 'path ./envs/stagin not found' },
          ready('False', 'InvalidPath'),
        ],
      }),
      'failed',
      'stalled',
      /stagin/,
    ],
    [
      'unobserved generation waits',
      flux('Kustomization', {
        observedGeneration: 2,
        conditions: [ready('True', 'ReconciliationSucceeded')],
        lastAppliedRevision: `main@sha1:${SHA}`,
      }),
      'progressing',
      'not-observed',
    ],
    [
      'suspended gets its own verdict',
      flux('Kustomization', { conditions: [ready('True', 'ReconciliationSucceeded')] }, {}, { suspend: true }),
      'failed',
      'suspended',
      /flux resume kustomization apps -n flux-system/,
    ],
    ['no Ready yet waits', flux('Kustomization', { conditions: [] }), 'progressing', 'no-status'],
    ['being deleted fails', flux('Kustomization', {}, { deletionTimestamp: '2025-01-01T00:00:00Z' }), 'failed', 'deleting'],
    ['not found waits', undefined, 'progressing', 'not-found'],
  ];
  for (const [name, object, outcome, reason, pattern] of cases) {
    test(name, () => {
      const result = assessFlux('Kustomization', object, rules, 'apps');
      assert.equal(result.outcome, outcome, result.message);
      assert.equal(result.reason, reason, result.message);
      if (pattern) assert.match(result.message, pattern);
    });
  }
  test('without an expected commit, Ready is enough', () => {
    const result = assessFlux(
      'Kustomization',
      flux('Kustomization', { conditions: [ready('True', 'ReconciliationSucceeded')], lastAppliedRevision: `main@sha1:${OLD}` }),
      {},
    );
    assert.equal(result.outcome, 'healthy');
  });
});

describe('HelmRelease', () => {
  const rules = { expectedRevision: SHA };
  const chart = `1.4.0+${SHA.slice(0, 12)}`;
  const cases: [string, KubeObject, string, string, RegExp?][] = [
    [
      'upgrade succeeded with the chart built from the commit',
      flux('HelmRelease', {
        conditions: [ready('True', 'UpgradeSucceeded'), { type: 'Released', status: 'True', reason: 'UpgradeSucceeded' }],
        lastAttemptedRevision: chart,
        history: [{ chartVersion: chart, status: 'deployed' }],
      }),
      'healthy',
      'ready',
    ],
    [
      'UpgradeFailed fails',
      flux('HelmRelease', {
        conditions: [
          ready('False', 'UpgradeFailed', 'Helm upgrade failed for release prod/web with chart web@1.4.0: context deadline exceeded'),
        ],
        lastAttemptedRevision: chart,
      }),
      'failed',
      'upgrade-failed',
      /context deadline exceeded/,
    ],
    [
      'upgrade failed then remediated (rolled back) fails, naming the cause',
      flux('HelmRelease', {
        conditions: [
          ready('False', 'RollbackSucceeded', 'Helm rollback to previous release prod/web.v3 succeeded'),
          {
            type: 'Released',
            status: 'False',
            reason: 'UpgradeFailed',
            message: 'Helm upgrade failed: timed out waiting for the condition',
          },
          {
            type: 'Remediated',
            status: 'True',
            reason: 'RollbackSucceeded',
            message: 'Helm rollback to previous release prod/web.v3 succeeded',
          },
        ],
        lastAttemptedRevision: chart,
        history: [{ chartVersion: '1.3.0', status: 'deployed' }],
      }),
      'failed',
      'remediated',
      /UpgradeFailed: Helm upgrade failed: timed out.*remediated it \(RollbackSucceeded/,
    ],
    [
      'a stale Remediated of an older generation does not fail a new attempt',
      flux('HelmRelease', {
        conditions: [
          ready('Unknown', 'Progressing', "Running 'upgrade' action"),
          { type: 'Remediated', status: 'True', reason: 'RollbackSucceeded', observedGeneration: 2 },
        ],
      }),
      'progressing',
      'reconciling',
    ],
    [
      'retries exhausted: Stalled fails',
      flux('HelmRelease', {
        conditions: [
          { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to upgrade after 1 attempt(s)' },
          ready('False', 'PendingRelease'),
        ],
      }),
      'failed',
      'stalled',
      /RetriesExceeded/,
    ],
    [
      'a chart version from a Helm repository names no commit: Ready is enough, said so',
      flux('HelmRelease', {
        conditions: [ready('True', 'UpgradeSucceeded')],
        lastAttemptedRevision: '6.5.4',
        history: [{ chartVersion: '6.5.4', status: 'deployed' }],
      }),
      'healthy',
      'ready',
      /names no commit/,
    ],
    [
      'DependencyNotReady waits',
      flux('HelmRelease', { conditions: [ready('False', 'DependencyNotReady', 'dependency prod/db is not ready')] }),
      'progressing',
      'dependency-not-ready',
    ],
  ];
  for (const [name, object, outcome, reason, pattern] of cases) {
    test(name, () => {
      const result = assessFlux('HelmRelease', object, rules, 'web');
      assert.equal(result.outcome, outcome, result.message);
      assert.equal(result.reason, reason, result.message);
      if (pattern) assert.match(result.message, pattern);
    });
  }
});
