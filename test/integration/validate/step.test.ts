/**
 * The validate step through its platform-free `run`: inputs as a platform passes them, an env repo on
 * disk, outputs, summary, annotations and report files; bad inputs are UserErrors naming the input.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { parseInputs, type RawInputs } from '../../../src/platform/inputs.ts';
import type { StepContext, StepResult } from '../../../src/steps/shared/types.ts';
import { defaultValidateDeps, validateStep } from '../../../src/steps/validate/step.ts';
import { ValidationFailed } from '../../../src/steps/validate/output.ts';

const GOOD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          readinessProbe: {httpGet: {path: /, port: 80}}
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
`;

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
            spec: {type: object, properties: {size: {type: integer}}}
`;

const FILES: Record<string, string> = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n  production:\n    path: envs/production\n',
  'envs/staging/api.yaml': GOOD,
  'envs/staging/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 2}\n',
  'envs/production/api.yaml': GOOD,
  'envs/broken/api.yaml': GOOD.replace('metadata: {name: api}', 'metadata:\n  name: api\n  colour: blue'),
  'crds/widget.yaml': CRD,
  'policy.yaml': 'environments:\n  production:\n    require-digest: true\n',
  'schemas/v1.36.0-standalone-strict/widget-example-v1.json': JSON.stringify({
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties: { size: { type: 'integer', maximum: 1 } }, additionalProperties: false },
    },
  }),
};

let repo = '';
before(async () => {
  repo = await mkdtemp(join(tmpdir(), 'baton-validate-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
});
after(() => rm(repo, { recursive: true, force: true }));

const step = validateStep(defaultValidateDeps());

function context(logs: string[]): StepContext {
  return {
    cwd: repo,
    env: {},
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(`warning: ${m}`), secret: () => {}, group: (_t, body) => body() },
  };
}

async function run(raw: RawInputs, logs: string[] = []): Promise<StepResult> {
  return step.run(parseInputs(step.spec, raw, {}), context(logs));
}

async function failure(raw: RawInputs): Promise<ValidationFailed> {
  try {
    await run(raw);
  } catch (error) {
    if (error instanceof ValidationFailed) return error;
    throw error;
  }
  assert.fail('validate passed');
}

describe('validate step', () => {
  test('env resolves its path through baton.yaml; CRDs come from crd-dir; all outputs are set', async () => {
    const logs: string[] = [];
    const result = await run({ env: 'staging', 'crd-dir': 'crds' }, logs);
    assert.deepEqual(result.outputs, {
      valid: 'true',
      resources: '2',
      files: '2',
      errors: '0',
      warnings: '0',
      skipped: '0',
      'report-files': '',
    });
    assert.match(result.summary, /^### Baton validate: staging — passed/);
    assert.deepEqual(result.annotations, []);
    assert.match(logs.join('\n'), /Summary: 2 resources in 2 files/);
  });

  test('without the CRD the custom resource has no schema, which fails the step', async () => {
    const failed = await failure({ env: 'staging' });
    assert.equal(failed.result.outputs['valid'], 'false');
    assert.equal(failed.result.annotations[0]?.file, 'envs/staging/widget.yaml');
    assert.match(failed.result.annotations[0]!.message, /no schema for example\.com\/v1 Widget/);
  });

  test('a kubeconform schema location checks the custom resource instead (default keeps the built-ins)', async () => {
    const failed = await failure({ env: 'staging', 'schema-location': ['default', 'schemas'] });
    assert.match(failed.result.summary, /\/spec\/size: must be <= 1/);
  });

  test('a failing run writes every report, annotates at file and line, and carries the result', async () => {
    const failed = await failure({
      paths: ['envs/broken'],
      output: 'sarif',
      'output-file': 'out/validate.sarif',
      reports: ['junit=out/junit.xml', 'codequality=out/cq.json'],
    });
    assert.equal(failed.result.outputs['report-files'], 'out/validate.sarif\nout/junit.xml\nout/cq.json');
    assert.equal(failed.result.outputs['errors'], '1');
    const annotation = failed.result.annotations[0]!;
    assert.deepEqual([annotation.level, annotation.file, annotation.line, annotation.column], ['error', 'envs/broken/api.yaml', 5, 3]);
    assert.match(annotation.message, /unknown field "colour"/);
    assert.equal(JSON.parse(await readFile(join(repo, 'out/validate.sarif'), 'utf8')).version, '2.1.0');
    assert.match(await readFile(join(repo, 'out/junit.xml'), 'utf8'), /<failure type="unknown-field"/);
    assert.equal(JSON.parse(await readFile(join(repo, 'out/cq.json'), 'utf8'))[0].check_name, 'unknown-field');
    assert.match(failed.message, /1 finding\(s\) at error level/);
  });

  test('strict false lets the unknown field through', async () => {
    const result = await run({ paths: ['envs/broken'], strict: 'false' });
    assert.equal(result.outputs['valid'], 'true');
  });

  test('per-environment policy: production requires digests', async () => {
    assert.equal((await run({ env: 'staging', 'crd-dir': 'crds', policy: 'policy.yaml' })).outputs['valid'], 'true');
    const failed = await failure({ env: 'production', policy: 'policy.yaml' });
    assert.match(failed.result.summary, /`image-digest`.*not pinned by digest/);
  });

  test('fail-on warning fails on warnings', async () => {
    await writeFile(join(repo, 'envs/warn.yaml'), GOOD.replace(/ {10}readinessProbe: .*\n/, ''));
    assert.equal((await run({ paths: ['envs/warn.yaml'] })).outputs['warnings'], '1');
    const failed = await failure({ paths: ['envs/warn.yaml'], 'fail-on': 'warning' });
    assert.equal(failed.result.outputs['valid'], 'false');
  });

  const BAD: Array<[RawInputs, string, RegExp]> = [
    [
      { 'kubernetes-version': '1.36.x', paths: 'envs/staging' },
      'kubernetes-version',
      /"1\.36\.x" is not a Kubernetes version; write x\.y or x\.y\.z/,
    ],
    [{ render: 'jsonnet' }, 'render', /"jsonnet" is not one of auto, kustomize, helm, none/],
    [{ output: 'html' }, 'output', /"html" is not one of text, json, junit, sarif, codequality/],
    [{ 'fail-on': 'notice' }, 'fail-on', /"notice" is not one of error, warning/],
    [{ strict: 'maybe' }, 'strict', /"maybe" is not a boolean/],
    [{ 'skip-kinds': 'apps/v1/', paths: 'envs/staging' }, 'skip-kinds', /"apps\/v1\/" is not a kind/],
    [{ 'reject-kinds': 'no such', paths: 'envs/staging' }, 'reject-kinds', /"no such" is not a kind/],
    [{ reports: 'junit:out.xml', paths: 'envs/staging' }, 'reports', /"junit:out\.xml" is not format=path/],
    [{ 'schema-location': 'ftp://host/x', paths: 'envs/staging' }, 'schema-location', /neither a local path nor an http\(s\) URL/],
    [{ 'schema-location': 'schemas/{{ .Nope }}.json', paths: 'envs/staging' }, 'schema-location', /not a known template field/],
    [{ paths: 'envs/nowhere' }, 'paths', /"envs\/nowhere" does not exist/],
    [{ env: 'qa' }, 'env', /"qa" is not an environment in baton\.yaml/],
    [{ policy: 'missing.yaml', paths: 'envs/staging' }, 'policy', /cannot read "missing\.yaml"/],
    [{ 'crd-dir': 'nope', paths: 'envs/staging' }, 'crd-dir', /crd-dir: "nope" does not exist/],
    [{ paths: 'envs/staging', render: 'helm' }, 'paths', /"envs\/staging" has no Chart\.yaml, so render: helm cannot render it/],
    [{ paths: 'envs/staging', values: 'values-nope.yaml' }, 'values', /"values-nope\.yaml" is not a file/],
  ];
  for (const [raw, input, message] of BAD) {
    test(`bad input ${input}: ${JSON.stringify(raw)}`, async () => {
      await assert.rejects(run(raw), (error: unknown) => {
        assert.ok(error instanceof UserError, String(error));
        assert.equal(error.input, input);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
