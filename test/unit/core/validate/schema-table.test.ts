/**
 * kubeconform's behaviours, as a table: each case is YAML in, findings (rule@line:column) out.
 * Policies are off here (see policies.test.ts); only the schema-level checks speak.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { brief, type RunOptions, runEngine } from '../../../helpers/validate-engine.ts';

const DEPLOYMENT = (replicas: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0${extra}
`;

const POD = (resources: string) => `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: ghcr.io/acme/c:1.0.0
      resources:
        limits: {${resources}}
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                port: {x-kubernetes-int-or-string: true}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

const WIDGET = (spec: string) => `apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec: ${spec}
`;

interface Case {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly options?: RunOptions;
  readonly findings: string[];
  readonly resources?: number;
  readonly skipped?: number;
  readonly message?: RegExp;
}

const CASES: Case[] = [
  { name: 'valid object', files: { 'a.yaml': DEPLOYMENT('3') }, findings: [], resources: 1 },
  {
    name: 'wrong type: /spec/replicas a string',
    files: { 'a.yaml': DEPLOYMENT('"3"') },
    findings: ['schema@6:13'],
    message: /\/spec\/replicas: expected integer, got string "3"/,
  },
  {
    name: 'unknown field, strict',
    files: { 'a.yaml': DEPLOYMENT('3', '\n          imagePullPolcy: Always') },
    findings: ['unknown-field@16:11'],
    message: /unknown field "imagePullPolcy"/,
  },
  {
    name: 'unknown field, not strict',
    files: { 'a.yaml': DEPLOYMENT('3', '\n          imagePullPolcy: Always') },
    options: { strict: false },
    findings: [],
  },
  {
    name: 'duplicate key, strict',
    files: { 'a.yaml': DEPLOYMENT('3').replace('  replicas: 3\n', '  replicas: 3\n  replicas: 2\n') },
    findings: ['duplicate-key@7:3'],
  },
  {
    name: 'duplicate key, not strict (the last wins)',
    files: { 'a.yaml': DEPLOYMENT('3').replace('  replicas: 3\n', '  replicas: 3\n  replicas: 2\n') },
    options: { strict: false },
    findings: [],
  },
  {
    name: 'multi-document, one invalid: document index and line named',
    files: { 'a.yaml': `${DEPLOYMENT('1')}---\n${DEPLOYMENT('"two"')}---\n${DEPLOYMENT('3')}` },
    findings: ['schema@22:13'],
    resources: 3,
  },
  {
    name: 'empty and comment-only documents are not errors',
    files: { 'a.yaml': `---\n# only a comment\n---\n---\n${DEPLOYMENT('1')}---\n` },
    findings: [],
    resources: 1,
  },
  {
    name: 'List expansion: items are resources, positions inside the list',
    files: {
      'list.yaml':
        'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n    data: {k: v}\n  - ' +
        'apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n    data: 3\n',
    },
    findings: ['schema@11:11'],
    resources: 2,
  },
  {
    name: 'missing kind',
    files: { 'a.yaml': 'apiVersion: v1\nmetadata: {name: x}\n' },
    findings: ['missing-kind@1:1', 'no-objects@-:-'],
    resources: 0,
  },
  {
    name: 'missing apiVersion',
    files: { 'a.yaml': 'kind: ConfigMap\nmetadata: {name: x}\n' },
    findings: ['missing-kind@1:1', 'no-objects@-:-'],
  },
  {
    name: 'a document that is not an object',
    files: { 'a.yaml': `${DEPLOYMENT('1')}---\n- just\n- a list\n` },
    findings: ['not-an-object@17:1'],
    resources: 1,
  },
  { name: 'a scalar document', files: { 'a.yaml': 'hello\n' }, findings: ['not-an-object@1:1', 'no-objects@-:-'] },
  { name: 'no objects at all fails by default', files: { 'a.yaml': '# nothing\n' }, findings: ['no-objects@-:-'] },
  { name: 'no objects with allow-empty', files: { 'a.yaml': '# nothing\n' }, options: { allowEmpty: true }, findings: [] },
  {
    name: 'CRD present: valid custom resource',
    files: { 'crd.yaml': CRD, 'w.yaml': WIDGET('{size: 3, port: http, extra: {anything: [1]}}') },
    findings: [],
    resources: 2,
  },
  {
    name: 'CRD present: invalid custom resource',
    files: { 'crd.yaml': CRD, 'w.yaml': WIDGET('{size: big, colour: red}') },
    findings: ['unknown-field@4:19', 'schema@4:14'],
  },
  {
    name: 'CRD present: int-or-string rejects a boolean',
    files: { 'crd.yaml': CRD, 'w.yaml': WIDGET('{size: 1, port: true}') },
    findings: ['schema@4:23'],
    message: /expected integer or string, got boolean true/,
  },
  { name: 'CRD given separately (crd-dir)', files: { 'w.yaml': WIDGET('{size: 1}') }, options: { crds: CRD }, findings: [] },
  { name: 'CRD missing', files: { 'w.yaml': WIDGET('{size: 1}') }, findings: ['missing-schema@1:1'] },
  {
    name: 'CRD missing, ignore-missing-schemas',
    files: { 'w.yaml': WIDGET('{size: 1}') },
    options: { ignoreMissing: true },
    findings: [],
    skipped: 1,
  },
  { name: 'skip by Kind', files: { 'a.yaml': DEPLOYMENT('"x"') }, options: { skip: ['Deployment'] }, findings: [], skipped: 1 },
  {
    name: 'skip by apiVersion/Kind',
    files: { 'a.yaml': DEPLOYMENT('"x"') },
    options: { skip: ['apps/v1/Deployment'] },
    findings: [],
    skipped: 1,
  },
  {
    name: 'skip by another apiVersion/Kind does not skip',
    files: { 'a.yaml': DEPLOYMENT('"x"') },
    options: { skip: ['apps/v1beta1/Deployment'] },
    findings: ['schema@6:13'],
  },
  { name: 'reject by Kind', files: { 'a.yaml': DEPLOYMENT('1') }, options: { reject: ['Deployment'] }, findings: ['rejected-kind@1:1'] },
  {
    name: 'reject by apiVersion/Kind',
    files: { 'a.yaml': DEPLOYMENT('1') },
    options: { reject: ['apps/v1/Deployment'] },
    findings: ['rejected-kind@1:1'],
  },
  {
    name: 'an API removed in the target version',
    files: {
      'a.yaml':
        'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "* * * * *"\n  jobTemplate: {spec: ' +
        '{template: {spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}}}}\n',
    },
    options: { version: '1.25.0' },
    findings: ['removed-api@1:1'],
    message: /removed in Kubernetes 1\.25/,
  },
  {
    name: 'the same API is fine before its removal',
    files: {
      'a.yaml':
        'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: "* * * * *"\n  jobTemplate: {spec: ' +
        '{template: {spec: {restartPolicy: Never, containers: [{name: c, image: "busybox:1.36"}]}}}}\n',
    },
    options: { version: '1.24.0' },
    findings: [],
  },
  {
    name: 'an API not yet served by the target version',
    files: {
      'a.yaml':
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, ' +
        'name: api}, maxReplicas: 3}\n',
    },
    options: { version: '1.22.0' },
    findings: ['removed-api@1:1'],
  },
  { name: 'quantities: 500m and 128Mi', files: { 'p.yaml': POD('cpu: 500m, memory: 128Mi') }, findings: [] },
  { name: 'quantities: a number', files: { 'p.yaml': POD('cpu: 1, memory: 1Gi') }, findings: [] },
  {
    name: 'quantities: lots',
    files: { 'p.yaml': POD('cpu: lots, memory: 128Mi') },
    findings: ['schema@9:23'],
    message: /"lots" is not a Kubernetes quantity/,
  },
  {
    name: 'YAML syntax error names line and column',
    files: { 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n' },
    findings: ['yaml-syntax@4:1', 'no-objects@-:-'],
  },
  {
    name: 'JSON manifests',
    files: { 'a.json': '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": 1}}' },
    findings: ['schema@1:84'],
  },
];

describe('schema validation, kubeconform behaviours', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const report = await runEngine(c.files, c.options);
      assert.deepEqual(brief(report).sort(), [...c.findings].sort(), report.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
      if (c.resources !== undefined) assert.equal(report.counts.resources, c.resources);
      if (c.skipped !== undefined) assert.equal(report.counts.skipped, c.skipped);
      if (c.message) assert.match(report.findings.map((f) => f.message).join('\n'), c.message);
    });
  }

  test('the multi-document finding names the document', async () => {
    const report = await runEngine({ 'a.yaml': `${DEPLOYMENT('1')}---\n${DEPLOYMENT('"two"')}` });
    assert.equal(report.findings[0]?.location.document, 2);
    assert.equal(report.findings[0]?.location.path, '/spec/replicas');
  });
});
