/** Each policy has a case that fires and one that does not; levels come from the policy file, per environment. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../../src/core/errors.ts';
import { POLICIES } from '../../../../src/core/validate/policies/index.ts';
import { DEFAULT_POLICY, levelFor, parsePolicyConfig, type PolicyConfig } from '../../../../src/core/validate/policy-config.ts';
import { reportFails } from '../../../../src/core/validate/report/index.ts';
import { runEngine } from '../../../helpers/validate-engine.ts';

/** A Deployment that passes every policy; cases change one thing. */
const GOOD_CONTAINER = `        - name: api
          image: ghcr.io/acme/api:1.4.2@sha256:${'a'.repeat(64)}
          readinessProbe: {httpGet: {path: /healthz, port: 8080}}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
          securityContext: {runAsNonRoot: true}`;

function deployment(
  options: { container?: string; name?: string; templateLabels?: string; selector?: string; kind?: string } = {},
): string {
  return `apiVersion: apps/v1
kind: ${options.kind ?? 'Deployment'}
metadata:
  name: ${options.name ?? 'api'}
spec:
  selector:
    ${options.selector ?? 'matchLabels: {app: api}'}
  template:
    metadata:
      labels: ${options.templateLabels ?? '{app: api}'}
    spec:
      containers:
${options.container ?? GOOD_CONTAINER}
`;
}

/** Only this rule on, at error. */
function only(rule: string): PolicyConfig {
  return { rules: Object.fromEntries(POLICIES.map((p) => [p.id, p.id === rule ? 'error' : 'off'])), environments: {} };
}

async function fired(rule: string, files: Record<string, string>): Promise<string[]> {
  const report = await runEngine(files, { policy: only(rule) });
  return report.findings.filter((f) => f.rule === rule).map((f) => `${f.location.line}:${f.location.column} ${f.message}`);
}

const SECRET = (body: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n${body}`;

interface PolicyCase {
  readonly rule: string;
  readonly fires: Record<string, string>;
  readonly quiet: Record<string, string>;
  readonly at: RegExp;
}

const CASES: PolicyCase[] = [
  {
    rule: 'image-tag',
    fires: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace(/image: .*/, 'image: ghcr.io/acme/api:latest') }) },
    quiet: { 'a.yaml': deployment() },
    at: /^14:18 .*latest tag/,
  },
  {
    rule: 'image-tag',
    fires: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace(/image: .*/, 'image: nginx') }) },
    quiet: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace(/image: .*/, 'image: nginx:1.27') }) },
    at: /^14:18 .*has no tag/,
  },
  {
    rule: 'image-digest',
    fires: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace(/image: .*/, 'image: ghcr.io/acme/api:1.4.2') }) },
    quiet: { 'a.yaml': deployment() },
    at: /^14:18 .*not pinned by digest/,
  },
  {
    rule: 'plaintext-secret',
    fires: { 's.yaml': SECRET('stringData: {password: hunter2}\n') },
    quiet: { 's.yaml': SECRET('type: Opaque\n') },
    at: /^4:1 Secret "db" holds stringData in plain text/,
  },
  {
    rule: 'plaintext-secret',
    fires: { 's.yaml': SECRET('data: {password: aHVudGVyMg==}\n') },
    quiet: { 's.yaml': SECRET('data: {password: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]}\nsops: {version: 3.9.0}\n') },
    at: /^4:1 .*data in plain text/,
  },
  {
    rule: 'duplicate-resource',
    fires: { 'a.yaml': deployment(), 'b.yaml': deployment() },
    quiet: { 'a.yaml': deployment(), 'b.yaml': deployment({ name: 'worker' }) },
    at: /^4:9 Deployment "api" is defined twice; the first is at a\.yaml:1/,
  },
  {
    rule: 'selector-mismatch',
    fires: { 'a.yaml': deployment({ templateLabels: '{app: web}' }) },
    quiet: { 'a.yaml': deployment({ templateLabels: '{app: api, tier: backend}' }) },
    at: /^6:3 .*app=web does not match app=api/,
  },
  {
    rule: 'selector-mismatch',
    fires: { 'a.yaml': deployment({ selector: 'matchExpressions: [{key: tier, operator: In, values: [backend]}]' }) },
    quiet: { 'a.yaml': deployment({ selector: 'matchExpressions: [{key: app, operator: Exists}]' }) },
    at: /expression tier In \(backend\) does not hold/,
  },
  {
    rule: 'resources',
    fires: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace('limits: {memory: 256Mi}', 'limits: {cpu: "1"}') }) },
    quiet: { 'a.yaml': deployment() },
    at: /^16:11 container "api" has no resources\.limits\.memory/,
  },
  {
    rule: 'readiness-probe',
    fires: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace(/ {10}readinessProbe: .*\n/, '') }) },
    quiet: { 'a.yaml': deployment() },
    at: /^13:11 container "api" has no readinessProbe/,
  },
  {
    rule: 'run-as-non-root',
    fires: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace('runAsNonRoot: true', 'runAsUser: 0') }) },
    quiet: { 'a.yaml': deployment({ container: GOOD_CONTAINER.replace('runAsNonRoot: true', 'runAsUser: 1000') }) },
    at: /^13:11 .*may run as root/,
  },
  {
    rule: 'privileged',
    fires: {
      'a.yaml': deployment({ container: GOOD_CONTAINER.replace('{runAsNonRoot: true}', '{runAsNonRoot: true, privileged: true}') }),
    },
    quiet: { 'a.yaml': deployment() },
    at: /^19:49 container "api" is privileged/,
  },
];

describe('policies', () => {
  for (const c of CASES) {
    test(`${c.rule} fires (${c.at.source.slice(0, 40)})`, async () => {
      const messages = await fired(c.rule, c.fires);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0]!, c.at);
    });
    test(`${c.rule} stays quiet (${c.at.source.slice(0, 40)})`, async () => {
      assert.deepEqual(await fired(c.rule, c.quiet), []);
    });
  }

  test('every policy has a default level and a fix hint', () => {
    for (const rule of POLICIES) {
      assert.ok(rule.fix.length > 20, rule.id);
      assert.ok(['error', 'warning', 'notice', 'off'].includes(rule.defaultLevel), rule.id);
    }
    assert.equal(levelFor(DEFAULT_POLICY, 'image-digest', undefined), 'off');
  });

  test('readiness is not asked of Jobs; run-as-non-root takes the pod level', async () => {
    const job =
      `apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      ` +
      `securityContext: {runAsNonRoot: true}\n      containers: [{name: j, image: "busybox:1.36"}]\n`;
    assert.deepEqual(await fired('readiness-probe', { 'j.yaml': job }), []);
    assert.deepEqual(await fired('run-as-non-root', { 'j.yaml': job }), []);
  });
});

const POLICY_FILE = `rules:
  readiness-probe: notice
  resources: off
environments:
  production:
    require-digest: true
    rules:
      readiness-probe: error
`;

describe('levels, per environment, and fail-on', () => {
  const risky = {
    'a.yaml': deployment({ container: '        - {name: api, image: "ghcr.io/acme/api:1.4.2", securityContext: {runAsNonRoot: true}}' }),
  };

  test('defaults: readiness and resources warn; the run passes under fail-on error and fails under warning', async () => {
    const report = await runEngine(risky, { policy: DEFAULT_POLICY });
    const levels = report.findings.map((f) => `${f.rule}:${f.level}`).sort();
    assert.deepEqual(levels, ['readiness-probe:warning', 'resources:warning']);
    assert.equal(reportFails(report, 'error'), false);
    assert.equal(reportFails(report, 'warning'), true);
  });

  test('the policy file sets levels for all environments', async () => {
    const report = await runEngine(risky, { policy: parsePolicyConfig(POLICY_FILE, 'policy.yaml'), env: 'staging' });
    assert.deepEqual(
      report.findings.map((f) => `${f.rule}:${f.level}`),
      ['readiness-probe:notice'],
    );
    assert.equal(reportFails(report, 'warning'), false);
  });

  test('an environment marked require-digest turns image-digest on, and its own levels win', async () => {
    const report = await runEngine(risky, { policy: parsePolicyConfig(POLICY_FILE, 'policy.yaml'), env: 'production' });
    assert.deepEqual(report.findings.map((f) => `${f.rule}:${f.level}`).sort(), ['image-digest:error', 'readiness-probe:error']);
    assert.equal(reportFails(report, 'error'), true);
  });

  const BAD: Array<[string, RegExp]> = [
    ['rules:\n  nosuch: error\n', /rules\.nosuch: no such rule/],
    ['rules:\n  resources: loud\n', /"loud" is not a level/],
    ['environments:\n  prod:\n    requires-digest: true\n', /unknown key \(known: rules, require-digest\)/],
    ['rules: [a\n', /^policy: policy\.yaml:\d+:\d+: /],
    ['levels: {}\n', /unknown top-level key "levels"/],
  ];
  for (const [text, message] of BAD) {
    test(`a bad policy file is a UserError: ${message.source}`, () => {
      assert.throws(
        () => parsePolicyConfig(text, 'policy.yaml'),
        (error: unknown) => error instanceof UserError && message.test(error.message) && error.input === 'policy',
      );
    });
  }
});
