/**
 * Large runs of plain files are checked in worker threads; the report must be the same as on one
 * thread, finding for finding, including duplicates whose copies land in different threads and the
 * kinds that need CRDs from the inputs.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseInputs } from '../../../src/platform/inputs.ts';
import { validateSpec } from '../../../src/specs/validate.ts';
import type { StepContext } from '../../../src/steps/shared/types.ts';
import { validateInputs } from '../../../src/steps/validate/inputs.ts';
import { defaultValidateDeps, runValidation } from '../../../src/steps/validate/step.ts';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer, maximum: 5}, every: {type: string, format: duration}}}
`;

function file(n: number): string {
  const docs = [
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${n % 150}, namespace: team}\ndata: {a: "${n}"}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${n}\nspec:\n  replicas: ${n % 17 === 0 ? '"two"' : 2}\n  ` +
      `selector: {matchLabels: {app: a${n}}}\n  template:\n    metadata: {labels: {app: a${n}}}\n    spec:\n      containers:\n        ` +
      `- name: c\n          image: registry.example.com/app:${n}\n          ` +
      `${n % 23 === 0 ? 'imagePullPolicy: Sometimes' : 'imagePullPolicy: Always'}\n`,
    `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w-${n}}\nspec: {size: ${n % 7}, every: ${n % 11 === 0 ? 'PT5M' : '5m'}}\n`,
  ];
  return docs.join('---\n');
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-validate-parallel-'));
  await mkdir(join(dir, 'env'), { recursive: true });
  await writeFile(join(dir, 'env/000-crd.yaml'), CRD);
  for (let n = 0; n < 300; n++) await writeFile(join(dir, `env/${String(n).padStart(4, '0')}.yaml`), file(n));
});
after(() => rm(dir, { recursive: true, force: true }));

const context = (warnings: string[]): StepContext => ({
  cwd: dir,
  env: {},
  log: { info: () => {}, warn: (m) => warnings.push(m), secret: () => {}, group: (_t, body) => body() },
});

test('worker threads give the same report as one thread', async () => {
  const inputs = validateInputs(parseInputs(validateSpec, { paths: 'env', render: 'none' }, {}));
  const deps = defaultValidateDeps();
  const one = await runValidation(inputs, { ...deps, parallel: { ...deps.parallel, workers: 0 } }, context([]));
  const splits: Array<{ jobs: number; workers: number }> = [];
  const parallel = {
    ...deps.parallel,
    workers: 2,
    minBytes: 0,
    jobBytes: 16 * 1024,
    onSplit: (split: { jobs: number; workers: number }) => splits.push(split),
  };
  const many = await runValidation(inputs, { ...deps, parallel }, context([]));
  assert.equal(splits.length, 1);
  assert.equal(splits[0]!.workers, 2);
  assert.ok(splits[0]!.jobs > 4, `${splits[0]!.jobs} jobs`);
  assert.equal(one.counts.resources, 901);
  // Each kind of finding is there, so the comparison means something.
  const rules = new Set(one.findings.map((f) => f.rule));
  for (const rule of ['duplicate-resource', 'schema']) assert.ok(rules.has(rule), `${rule} in ${[...rules].join(', ')}`);
  assert.ok(one.findings.some((f) => f.rule === 'duplicate-resource' && /cm-0"/.test(f.message)));
  assert.deepEqual(many, one);
});
