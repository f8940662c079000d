/**
 * dist/validate/index.cjs as the GitHub runner runs it: `INPUT_*` in (lists one per line), outputs in
 * `GITHUB_OUTPUT` even when the verdict fails, the summary, `::error file=…,line=…` annotations, and
 * the exit codes 0 / 1 / 2. Manifests live in a temp dir outside the runner's workspace, given as
 * absolute `paths` (the runner resolves annotation files against the workspace, absolute ones as they are).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipWithout } from '../helpers/registry.ts';
import { ROOT, runAction } from '../helpers/runner.ts';

const GOOD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          readinessProbe: {httpGet: {path: /, port: 80}}
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
`;

const FILES: Record<string, string> = {
  'good/api.yaml': GOOD,
  'good/config.yaml': '# comment-only document\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\ndata: {LEVEL: info}\n',
  // The second document is broken twice: replicas is a string (line 10, column 13) and the image uses latest (line 20, column 18).
  'bad/api.yaml':
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ` +
    `ok}\n---\n${GOOD.replace('replicas: 2', 'replicas: three').replace('api:1.4.2', 'api:latest')}`,
};

/** The overlay from the render fixtures: rendered through `kubectl kustomize` (kustomize when installed). */
const OVERLAY = join(ROOT, 'test/fixtures/validate/kustomize/overlays/staging');

/** `::error title=…,file=…,line=…,col=…::message` → its properties (the runner's workflow command format). */
function errorAnnotations(stdout: string): Array<{ title: string; file: string; line: string; col: string; message: string }> {
  const out = [];
  for (const match of stdout.matchAll(/^::error title=([^,]*),file=([^,]*),line=(\d+),col=(\d+)::(.*)$/gm)) {
    out.push({ title: match[1]!, file: match[2]!, line: match[3]!, col: match[4]!, message: match[5]! });
  }
  return out;
}

describe('dist/validate/index.cjs run as the GitHub runner runs it', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-e2e-validate-'));
    for (const [path, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('valid files and a kustomize overlay: exit 0, every output, the summary', { skip: skipWithout('kubectl') }, async () => {
    const run = await runAction('validate', {
      paths: `${join(dir, 'good')}\n${OVERLAY}`,
      'kubernetes-version': '1.36.0',
      strict: 'true',
      render: 'auto',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(run.outputs, {
      valid: 'true',
      resources: '4',
      files: '3',
      errors: '0',
      warnings: '0',
      skipped: '0',
      'report-files': '',
    });
    assert.match(run.stdout, /^::group::Render and read$/m);
    assert.match(run.stdout, /Summary: 4 resources in 3 files \(Kubernetes 1\.36\.0\) - errors: 0/);
    assert.match(run.summary, /^### Baton validate: .* — passed/);
    assert.doesNotMatch(run.stdout, /^::(error|warning)/m);
    assert.doesNotMatch(run.stderr, /Warning/, 'nothing on stderr, deprecation warnings included');
  });

  it('invalid manifests: exit 1, annotations at file and line, outputs, summary and reports still written', async () => {
    const junit = join(dir, 'reports/junit.xml');
    const run = await runAction('validate', { paths: join(dir, 'bad'), reports: `junit=${junit}` });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.deepEqual(run.outputs, {
      valid: 'false',
      resources: '2',
      files: '1',
      errors: '2',
      warnings: '0',
      skipped: '0',
      'report-files': junit,
    });
    const file = join(dir, 'bad/api.yaml');
    assert.deepEqual(
      errorAnnotations(run.stdout).map((a) => [a.title, a.file, a.line, a.col]),
      [
        ['baton validate%3A schema', file, '10', '13'],
        ['baton validate%3A image-tag', file, '20', '18'],
      ],
    );
    assert.match(
      errorAnnotations(run.stdout)[0]!.message,
      /^Deployment api: \/spec\/replicas: expected integer, got string "three"%0AFix: /,
    );
    assert.match(run.stdout, /^::error::validate: 2 finding\(s\) at error level or above in 2 resource\(s\)/m);
    assert.match(run.summary, /^### Baton validate: .* — failed: 2 error\(s\)/);
    assert.match(run.summary, /\| error \| `schema` \| `[^`]*bad\/api\.yaml:10:13` \|/);
    assert.match(await readFile(junit, 'utf8'), /<failure type="schema"/);
  });

  it('bad input: exit 2, the input named, no outputs', async () => {
    const run = await runAction('validate', { paths: join(dir, 'good'), 'kubernetes-version': '1.x' });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /^::error::kubernetes-version: "1\.x" is not a Kubernetes version; write x\.y or x\.y\.z/m);
    assert.deepEqual(run.outputs, {});
    assert.equal(run.summary, '');
  });

  it('neither paths nor env: exit 2 naming paths (the workspace is not checked by default)', async () => {
    const run = await runAction('validate', {});
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /^::error::paths: nothing to check; give paths .* or env/m);
  });
});
