/** Any resource with standard conditions: Ready / Reconciling / Stalled / none, deletion, generations. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessConditions } from '../../../../src/core/verify/generic.ts';
import type { KubeObject } from '../../../../src/core/verify/types.ts';

function cert(conditions: unknown[] | undefined, meta: Record<string, unknown> = {}, observed?: number): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'prod', generation: 2, ...meta },
    spec: {},
    ...(conditions === undefined && observed === undefined
      ? {}
      : { status: { ...(conditions ? { conditions } : {}), ...(observed !== undefined ? { observedGeneration: observed } : {}) } }),
  };
}

const cases: [string, KubeObject | undefined, string, string, RegExp?][] = [
  [
    'Ready=True is healthy',
    cert([{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date' }]),
    'healthy',
    'ready',
    /up to date/,
  ],
  [
    'Ready=False waits with the reason',
    cert([{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate' }]),
    'progressing',
    'not-ready',
    /DoesNotExist: Issuing certificate/,
  ],
  ['Ready=Unknown waits', cert([{ type: 'Ready', status: 'Unknown', reason: 'Pending' }]), 'progressing', 'not-ready'],
  [
    'Reconciling=True waits even with an old Ready=True',
    cert([
      { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'applying' },
      { type: 'Ready', status: 'True' },
    ]),
    'progressing',
    'reconciling',
    /applying/,
  ],
  [
    'Stalled=True fails',
    cert([
      { type: 'Stalled', status: 'True', reason: 'InvalidSpec', message: 'spec.dnsNames is empty' },
      { type: 'Ready', status: 'False' },
    ]),
    'failed',
    'stalled',
    /InvalidSpec: spec.dnsNames is empty/,
  ],
  [
    'Stalled=False does not fail',
    cert([
      { type: 'Stalled', status: 'False' },
      { type: 'Ready', status: 'True' },
    ]),
    'healthy',
    'ready',
  ],
  ['no status at all is not success', cert(undefined), 'progressing', 'no-status', /no status conditions; waiting for a Ready condition/],
  [
    'conditions without Ready are not success',
    cert([{ type: 'Issuing', status: 'False' }]),
    'progressing',
    'no-status',
    /only Issuing=False/,
  ],
  [
    'status.observedGeneration behind: not observed',
    cert([{ type: 'Ready', status: 'True' }], {}, 1),
    'progressing',
    'not-observed',
    /generation 2 not observed yet/,
  ],
  [
    'Ready of an older generation: not observed',
    cert([{ type: 'Ready', status: 'True', observedGeneration: 1 }]),
    'progressing',
    'not-observed',
  ],
  ['deletion fails', cert([{ type: 'Ready', status: 'True' }], { deletionTimestamp: '2025-01-01T00:00:00Z' }), 'failed', 'deleting'],
  ['absent waits', undefined, 'progressing', 'not-found'],
];

for (const [name, object, outcome, reason, pattern] of cases) {
  test(name, () => {
    const result = assessConditions('Certificate', object, 'web');
    assert.equal(result.outcome, outcome, result.message);
    assert.equal(result.reason, reason);
    if (pattern) assert.match(result.message, pattern);
  });
}
