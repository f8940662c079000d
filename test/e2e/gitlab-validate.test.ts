/**
 * The validate component (templates/validate.yml) included with inputs and run by gitlab-ci-local (shell
 * executor, `baton` = dist/cli): the job's verdict, the dotenv report a later job reads, and the JUnit and
 * code-quality reports at the paths the template's `artifacts:reports` names. gitlab-ci-local collects
 * only dotenv reports, so those two are read from the job's build directory, where GitLab's runner
 * would pick them up.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { type PipelineRun, runPipeline } from '../helpers/gitlab-ci-local.ts';
import { ROOT } from '../helpers/runner.ts';

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
/** replicas is a string (line 6, column 13) and the image uses latest (line 16, column 18). */
const BAD = GOOD.replace('replicas: 2', 'replicas: three').replace('api:1.4.2', 'api:latest');

/** The report paths of the component's job, as the template declares them. */
async function templateReports(): Promise<Record<string, string>> {
  const docs = parseAllDocuments(await readFile(join(ROOT, 'templates/validate.yml'), 'utf8'));
  const job = (docs[1]!.toJS() as Record<string, { artifacts: { reports: Record<string, string> } }>)['$[[ inputs.job_prefix ]]validate']!;
  return job.artifacts.reports;
}

/** A file the job left in its build directory (`.gitlab-ci-local/builds/<job>/`). */
function buildFile(run: PipelineRun, job: string, path: string): Promise<string | undefined> {
  return run.artifact(job, join('../../builds', job, path));
}

/** Shell lines that write files into the checkout before the component's script runs. */
function writeFiles(files: Record<string, string>): string[] {
  return Object.entries(files).map(([path, text]) => `mkdir -p "$(dirname ${path})" && cat > ${path} <<'EOF'\n${text}EOF`);
}

describe('the validate component under gitlab-ci-local', () => {
  it('a failing manifest set fails the job; JUnit, code-quality and dotenv reports carry the findings', async () => {
    const pipeline = {
      stages: ['test'],
      include: [{ local: 'templates/validate.yml', inputs: { stage: 'test', paths: 'envs/broken' } }],
      validate: {
        before_script: writeFiles({
          'envs/broken/api.yaml': BAD,
          'envs/broken/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\n',
        }),
      },
    };
    const run = await runPipeline(pipeline);
    try {
      assert.notEqual(run.code, 0, run.output);
      assert.match(run.output, /validate finished in .* FAIL 1\b/, 'exit 1: a verdict, not bad input');
      assert.match(run.output, /FAIL {2}validate/);
      assert.match(
        run.output,
        /envs\/broken\/api\.yaml:6:13: error \[schema\] Deployment api: \/spec\/replicas: expected integer, got string "three"/,
      );
      assert.match(run.output, /ERROR: validate: 2 finding\(s\) at error level or above in 2 resource\(s\)/);

      const dotenv = (await run.artifact('validate', '.gitlab-ci-reports/dotenv/baton.env')) ?? '';
      assert.match(dotenv, /^BATON_VALID=false$/m);
      assert.match(dotenv, /^BATON_ERRORS=2$/m);
      assert.match(dotenv, /^BATON_RESOURCES=2$/m);
      assert.match((await run.artifact('validate', 'baton-summary.md')) ?? '', /### Baton validate: envs\/broken — failed: 2 error\(s\)/);

      const reports = await templateReports();
      assert.deepEqual(Object.keys(reports).sort(), ['codequality', 'dotenv', 'junit']);
      assert.match(dotenv, new RegExp(`^BATON_REPORT_FILES=${reports['junit']},${reports['codequality']}$`, 'm'));

      const junit = await buildFile(run, 'validate', reports['junit']!);
      assert.ok(junit, `${reports['junit']} is where the template's junit report expects it`);
      assert.match(junit, /<testsuite name="envs\/broken\/api\.yaml" tests="1" failures="1"/);
      assert.match(junit, /<failure type="schema" [^>]*>envs\/broken\/api\.yaml:6:13: \/spec\/replicas/);
      assert.match(junit, /<failure type="image-tag" [^>]*>envs\/broken\/api\.yaml:16:18: /);
      assert.match(junit, /<testsuite name="envs\/broken\/config\.yaml" tests="1" failures="0"/);

      const codequality = await buildFile(run, 'validate', reports['codequality']!);
      assert.ok(codequality, `${reports['codequality']} is where the template's codequality report expects it`);
      const issues = JSON.parse(codequality) as Array<{
        check_name: string;
        severity: string;
        fingerprint: string;
        description: string;
        location: { path: string; lines: { begin: number } };
      }>;
      assert.deepEqual(
        issues.filter((i) => i.severity === 'major').map((i) => [i.check_name, i.location.path, i.location.lines.begin]),
        [
          ['schema', 'envs/broken/api.yaml', 6],
          ['image-tag', 'envs/broken/api.yaml', 16],
        ],
      );
      for (const issue of issues) {
        assert.match(issue.fingerprint, /^[0-9a-f]{32}$/);
        assert.ok(issue.description.length > 0);
      }
    } finally {
      await run.cleanup();
    }
  });

  it('a passing set (env through baton.yaml) passes the job, and a later job reads $BATON_VALID', async () => {
    const pipeline = {
      stages: ['test', 'report'],
      include: [{ local: 'templates/validate.yml', inputs: { stage: 'test', env: 'staging', kubernetes_version: '1.33.0' } }],
      validate: {
        before_script: writeFiles({
          'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
          'envs/staging/api.yaml': GOOD,
          'envs/staging/config.yaml': '# comment-only\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: api}\n',
        }),
      },
      report: {
        stage: 'report',
        needs: ['validate'],
        script: ['echo "valid=[$BATON_VALID] resources=[$BATON_RESOURCES] errors=[$BATON_ERRORS]"'],
      },
    };
    const run = await runPipeline(pipeline);
    try {
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /PASS {2}validate/);
      assert.match(run.output, /Summary: 2 resources in 2 files \(Kubernetes 1\.33\.0\) - errors: 0, warnings: 0/);
      assert.match(run.output, /valid=\[true\] resources=\[2\] errors=\[0\]/);
      assert.doesNotMatch(run.output, /DeprecationWarning/);
      const reports = await templateReports();
      assert.match((await buildFile(run, 'validate', reports['junit']!)) ?? '', /<testsuites [^>]*tests="2" failures="0"/);
      assert.deepEqual(JSON.parse((await buildFile(run, 'validate', reports['codequality']!)) ?? 'null'), []);
    } finally {
      await run.cleanup();
    }
  });
});
