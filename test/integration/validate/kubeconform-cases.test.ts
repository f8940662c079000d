/**
 * Verdict for verdict against the cases kubeconform's acceptance tests cover, on our own fixtures
 * (test/fixtures/validate/kubeconform): schema locations with `$ref`s to other files, over the
 * filesystem and over real HTTP; Go durations; a location answering HTML; skip before reject; YAML that
 * is not a Kubernetes object. The command-line cases run the `baton` entry as a process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseInputs, type RawInputs } from '../../../src/platform/inputs.ts';
import type { StepContext, StepResult } from '../../../src/steps/shared/types.ts';
import { ValidationFailed } from '../../../src/steps/validate/output.ts';
import { defaultValidateDeps, validateStep } from '../../../src/steps/validate/step.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/validate/kubeconform');
const CLI = join(import.meta.dirname, '../../../src/entry/cli.ts');
const TEMPLATE = '{{ .NormalizedKubernetesVersion }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';
const step = validateStep(defaultValidateDeps());

interface Outcome {
  readonly failed: boolean;
  readonly result: StepResult;
  readonly logs: string[];
}

async function validate(raw: RawInputs): Promise<Outcome> {
  const logs: string[] = [];
  const context: StepContext = {
    cwd: FIXTURES,
    env: {},
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(`warning: ${m}`), secret: () => {}, group: (_t, body) => body() },
  };
  try {
    return { failed: false, result: await step.run(parseInputs(step.spec, raw, {}), context), logs };
  } catch (error) {
    if (error instanceof ValidationFailed) return { failed: true, result: error.result, logs };
    throw error;
  }
}

function rules(outcome: Outcome): string[] {
  return outcome.result.annotations.map((a) => `${a.level} ${a.file}:${a.line ?? ''} ${a.title?.replace('baton validate: ', '')}`);
}

/** A plain static file server over the fixtures, as a schema repository on the web is. */
let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    readFile(join(FIXTURES, path)).then(
      (body) => {
        res.writeHead(200, { 'content-type': path.endsWith('.json') && !path.includes('html') ? 'application/json' : 'text/html' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('schema locations with $ref to other files (kubernetes-json-schema non-standalone layout)', () => {
  test('local: the $ref into _definitions.json resolves next to the schema; Go durations pass', async () => {
    const outcome = await validate({ paths: 'manifests/widgets-valid.yaml', 'schema-location': `schemas/${TEMPLATE}` });
    assert.deepEqual(rules(outcome), []);
    assert.equal(outcome.result.outputs['resources'], '2');
    assert.equal(outcome.failed, false);
  });

  test('local: violations found through the referenced definitions; ISO 8601 and words are not Go durations', async () => {
    const outcome = await validate({ paths: 'manifests/widgets-invalid.yaml', 'schema-location': `schemas/${TEMPLATE}` });
    assert.equal(outcome.failed, true);
    const summary = outcome.result.summary;
    assert.match(summary, /\/spec\/size: must be <= 10/);
    assert.match(summary, /\/spec\/interval: .*"five minutes".*duration|\/spec\/interval: must match format "duration"/);
    assert.equal(outcome.result.outputs['errors'], '3');
  });

  test('over HTTP: the same schemas served by a web server, $ref resolved against the schema URL', async () => {
    const valid = await validate({ paths: 'manifests/widgets-valid.yaml', 'schema-location': `${base}/schemas/${TEMPLATE}` });
    assert.deepEqual(rules(valid), []);
    const invalid = await validate({ paths: 'manifests/widgets-invalid.yaml', 'schema-location': `${base}/schemas/${TEMPLATE}` });
    assert.equal(invalid.result.outputs['errors'], '3');
  });

  test('a location answering with HTML is "not found here": a warning, and the next location is tried', async () => {
    const outcome = await validate({
      paths: 'manifests/widgets-valid.yaml',
      'schema-location': [`${base}/schemas-html/{{ .ResourceKind }}{{ .KindSuffix }}.json`, `schemas/${TEMPLATE}`],
    });
    assert.equal(outcome.failed, false);
    assert.ok(
      outcome.logs.some((line) =>
        /^warning: schema-location: http:\/\/127\.0\.0\.1:\d+\/schemas-html\/widget-example-v1\.json answered with something that is not JSON; trying the next location\.$/.test(
          line,
        ),
      ),
      outcome.logs.join('\n'),
    );
  });

  test('a local schema whose $ref leads to the web does not compile: local locations stay offline', async () => {
    const outcome = await validate({
      paths: 'manifests/widgets-valid.yaml',
      'schema-location': 'schemas-remote-ref/{{ .ResourceKind }}{{ .KindSuffix }}.json',
    });
    assert.equal(outcome.failed, true);
    assert.match(outcome.result.summary, /does not compile: .*https:\/\/schemas\.example\.invalid\/_definitions\.json leaves the machine/);
  });
});

describe('format: duration through crd-dir', () => {
  test('Go durations pass, ISO 8601 and words fail, as the API server decides', async () => {
    const valid = await validate({ paths: 'manifests/widgets-valid.yaml', 'crd-dir': 'crds' });
    assert.deepEqual(rules(valid), []);
    const invalid = await validate({ paths: 'manifests/widgets-invalid.yaml', 'crd-dir': 'crds' });
    assert.equal(invalid.result.outputs['errors'], '3');
    assert.match(invalid.result.summary, /PT5M|format "duration"/);
  });
});

describe('kinds, versions and non-Kubernetes YAML', () => {
  test('a kind on skip-kinds and reject-kinds is skipped, as kubeconform checks skip first', async () => {
    const both = await validate({ paths: 'skip-reject', 'skip-kinds': 'Secret', 'reject-kinds': 'Secret' });
    assert.equal(both.failed, false);
    assert.equal(both.result.outputs['skipped'], '1');
    const rejected = await validate({ paths: 'skip-reject', 'reject-kinds': 'Secret' });
    assert.deepEqual(rules(rejected), ['error skip-reject/secret.yaml:1 rejected-kind']);
  });

  test('YAML without apiVersion and kind is a notice; with only one of them it is an error (kubeconform: both errors)', async () => {
    const outcome = await validate({ paths: 'not-kubernetes' });
    assert.deepEqual(rules(outcome), [
      'error not-kubernetes/half.yaml:1 missing-kind',
      'notice not-kubernetes/config.yaml:2 not-kubernetes',
    ]);
    const alone = await validate({ paths: 'not-kubernetes/config.yaml', 'allow-empty': 'true' });
    assert.equal(alone.failed, false);
  });

  test('kubernetes-version takes x.y and master as kubeconform does', async () => {
    for (const version of ['1.36', 'v1.36', '1.36.0', 'master']) {
      const outcome = await validate({ paths: 'not-kubernetes/configmap.yaml', 'kubernetes-version': version });
      assert.equal(outcome.failed, false, version);
    }
  });
});

function cli(args: readonly string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'validate', ...args], { cwd: FIXTURES, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('the command line', () => {
  test('bare arguments are paths (baton validate a b), also next to --paths', async () => {
    const { code, stdout } = await cli([
      'not-kubernetes/configmap.yaml',
      'skip-reject',
      '--paths',
      'not-kubernetes/config.yaml',
      '--reject-kinds',
      'Secret',
    ]);
    assert.equal(code, 1);
    assert.match(stdout, /^resources=2$/m);
    assert.match(stdout, /^files=3$/m);
  });

  test('"-" reads standard input; each finding is printed once; yaml prints no Node warning', async () => {
    const input = '{apiVersion: v1, kind: ConfigMap, metadata: {name: s, colour: red}, data: {[a, b]: c}}\n';
    const { code, stderr } = await cli(['-'], input);
    assert.equal(code, 1);
    assert.equal(stderr.match(/unknown field "colour"/g)?.length, 1, stderr);
    assert.match(stderr, /^stdin:1:\d+: error \[unknown-field\]/m);
    assert.doesNotMatch(stderr, /Warning|warning: Keys with collection values/);
  });

  test('bad input still exits 2 naming the input, and writes nothing', async () => {
    const { code, stderr } = await cli(['not-kubernetes', '--kubernetes-version', '1.x', '--output-file', 'out.json']);
    assert.equal(code, 2);
    assert.match(stderr, /kubernetes-version: "1\.x" is not a Kubernetes version/);
    await assert.rejects(readFile(join(FIXTURES, 'out.json')));
  });
});
