/**
 * The report formats against their schemas: JUnit against Jenkins' junit-10.xsd (the dialect GitLab
 * reads) with xmllint, SARIF against the SARIF 2.1.0 schema with ajv, and the GitLab code quality
 * report for the fields GitLab reads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { codeQualityReport } from '../../../../src/core/validate/report/codequality.ts';
import { formatReport } from '../../../../src/core/validate/report/index.ts';
import { jsonReport } from '../../../../src/core/validate/report/json.ts';
import { junitReport } from '../../../../src/core/validate/report/junit.ts';
import { sarifReport } from '../../../../src/core/validate/report/sarif.ts';
import { textReport } from '../../../../src/core/validate/report/text.ts';
import type { Report } from '../../../../src/core/validate/types.ts';
import { DEFAULT_POLICY } from '../../../../src/core/validate/policy-config.ts';
import { skipWithout } from '../../../helpers/registry.ts';
import { runEngine } from '../../../helpers/validate-engine.ts';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/validate/schemas');
const TOOL = { name: 'baton validate', version: '0.1.0' };

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: string;
  readonly locations: ReadonlyArray<{ physicalLocation: { region?: { startLine: number; startColumn: number } } }>;
}

interface CodeQualityIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: string;
  readonly location: { path: string; lines: { begin: number } };
}
const dir = mkdtempSync(join(tmpdir(), 'baton-reports-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MANIFESTS = {
  'envs/staging/app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: "2"
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "ghcr.io/acme/api:latest", surprise: "<&>\\u0001"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
`,
  'envs/staging/broken.yaml': 'kind: [unclosed\n',
};

async function report(): Promise<Report> {
  return runEngine(MANIFESTS, { policy: DEFAULT_POLICY });
}

function xmllint(xml: string): { status: number | null; stderr: string } {
  const file = join(dir, 'junit.xml');
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', join(FIXTURES, 'junit-10.xsd'), file], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('JUnit report', { skip: skipWithout('xmllint') }, () => {
  test('validates against junit-10.xsd, with failures, system-out and a suite per file', async () => {
    const r = await report();
    const xml = junitReport(r, 'error');
    const lint = xmllint(xml);
    assert.equal(lint.status, 0, lint.stderr);
    assert.match(xml, /<testsuite name="envs\/staging\/app.yaml" tests="2" failures="1"/);
    assert.match(xml, /<failure type="schema" message="\/spec\/replicas: expected integer, got string &quot;2&quot;">/);
    assert.match(xml, /<system-out>warning \[resources\]/);
    assert.match(xml, /<testcase name="envs\/staging\/broken.yaml" classname="envs\/staging\/broken.yaml"/);
    assert.doesNotMatch(xml, /\u0001/);
  });

  test('fail-on warning turns warnings into failures; an empty report is valid too', async () => {
    const r = await report();
    const xml = junitReport(r, 'warning');
    assert.equal(xmllint(xml).status, 0);
    assert.match(xml, /<failure type="resources"/);
    const empty = junitReport({ ...r, findings: [], resources: [] }, 'error');
    assert.equal(xmllint(empty).status, 0, xmllint(empty).stderr);
  });

  test('xmllint itself rejects a report that breaks the schema', () => {
    assert.notEqual(xmllint('<testsuites><testsuite name="x"/></testsuites>').status, 0);
  });
});

describe('SARIF report', () => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(schema);

  test('validates against the SARIF 2.1.0 schema, with rules, levels and regions', async () => {
    const log = JSON.parse(sarifReport(await report(), TOOL));
    assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results as SarifResult[];
    const schemaResult = results.find((r) => r.ruleId === 'schema')!;
    assert.equal(schemaResult.level, 'error');
    assert.deepEqual(schemaResult.locations[0]?.physicalLocation.region, { startLine: 5, startColumn: 13 });
    assert.equal(log.runs[0].tool.driver.rules[schemaResult.ruleIndex].id, 'schema');
    assert.ok(results.some((r) => r.level === 'warning'));
  });

  test('the schema is not a rubber stamp', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] }), false);
  });
});

describe('GitLab code quality report', () => {
  test('has the fields GitLab reads, with stable unique fingerprints', async () => {
    const r = await report();
    const issues = JSON.parse(codeQualityReport(r)) as CodeQualityIssue[];
    assert.ok(Array.isArray(issues) && issues.length === r.findings.length);
    for (const issue of issues) {
      assert.equal(typeof issue.description, 'string');
      assert.equal(typeof issue.check_name, 'string');
      assert.match(issue.fingerprint, /^[0-9a-f]{32}$/);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity));
      assert.equal(typeof issue.location.path, 'string');
      assert.ok(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1);
    }
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
    const again = JSON.parse(codeQualityReport(await report())) as CodeQualityIssue[];
    assert.deepEqual(
      again.map((i) => i.fingerprint),
      issues.map((i) => i.fingerprint),
    );
    const schema = issues.find((i) => i.check_name === 'schema')!;
    assert.deepEqual(schema.location, { path: 'envs/staging/app.yaml', lines: { begin: 5 } });
    assert.equal(schema.severity, 'major');
  });
});

describe('text and JSON reports', () => {
  test('text names file:line:column, level, rule, resource and fix', async () => {
    const text = textReport(await report());
    assert.match(text, /^envs\/staging\/app.yaml:5:13: error \[schema\] Deployment shop\/api: \/spec\/replicas: expected integer/m);
    assert.match(text, /^ {4}fix: /m);
    assert.match(text, /^Summary: 2 resources in 2 files \(Kubernetes 1\.36\.0\) - errors: \d+, warnings: \d+/m);
  });

  test('JSON carries counts and every finding with its location', async () => {
    const r = await report();
    const json = JSON.parse(jsonReport(r));
    assert.equal(json.counts.resources, 2);
    assert.equal(json.findings.length, r.findings.length);
    assert.deepEqual(Object.keys(json.findings[0]).sort(), [
      'column',
      'document',
      'file',
      'fix',
      'level',
      'line',
      'message',
      'path',
      'rendered',
      'resource',
      'rule',
    ]);
    assert.equal(formatReport(r, 'json', { failOn: 'error', tool: TOOL }), jsonReport(r));
  });
});
