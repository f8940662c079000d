import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { locatePolicyMarkers, samePolicy } from '../../../../src/core/edit/index.ts';

const KUSTOMIZATION = readFileSync(
  new URL('../../../fixtures/golden/flux-policy-per-name/before/apps/kustomization.yml', import.meta.url),
  'utf8',
);

describe('Flux policy markers', () => {
  it('lists every $imagepolicy marker with its policy, field and value, whatever image it stands for', () => {
    assert.deepEqual(
      locatePolicyMarkers('apps/kustomization.yml', KUSTOMIZATION).map(({ line, policy, field, value }) => [line, policy, field, value]),
      [
        [8, 'automation-ns:report', 'name', 'registry.example/old/report'],
        [9, 'automation-ns:report', 'tag', 'v1.0.0'],
        [11, 'automation-ns:report-lts', 'name', 'ghcr.io/acme/report'],
        [12, 'automation-ns:report-lts', 'tag', 'v0.9.0'],
      ],
    );
  });

  it('matches a policy by namespace and name, or by name alone', () => {
    assert.equal(samePolicy('automation-ns:report', 'automation-ns:report'), true);
    assert.equal(samePolicy('automation-ns:report', 'report'), true);
    assert.equal(samePolicy('automation-ns:report', 'other-ns:report'), false);
    assert.equal(samePolicy('automation-ns:report-lts', 'report'), false);
  });
});
