/** Drift comparison rules: what Git sets, as Kubernetes means it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareObject } from '../../../../src/core/drift/compare.ts';
import { parseIgnoreRules } from '../../../../src/core/drift/ignore.ts';
import type { KubeDoc, ObjectKey } from '../../../../src/core/drift/types.ts';

const KEY: ObjectKey = { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' };

function deployment(pod: Record<string, unknown>, extra: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeDoc {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec: { replicas: 2, template: { spec: pod }, ...extra },
  };
}

const container = (fields: Record<string, unknown> = {}) => ({ name: 'web', image: 'registry.example/shop/web:1.4.2', ...fields });

describe('compareObject', () => {
  const cases: [string, KubeDoc, KubeDoc, string[]][] = [
    ['identical objects: no drift', deployment({ containers: [container()] }), deployment({ containers: [container()] }), []],
    [
      'a field Git does not set is not drift',
      deployment({ containers: [container()] }),
      deployment(
        { containers: [container({ resources: { limits: { cpu: '1' } } })], dnsPolicy: 'ClusterFirst' },
        { progressDeadlineSeconds: 600 },
      ),
      [],
    ],
    [
      'status is never compared',
      { ...deployment({ containers: [container()] }), status: { replicas: 2 } },
      { ...deployment({ containers: [container()] }), status: { replicas: 0 } },
      [],
    ],
    [
      'image changed by hand: named, first',
      deployment({ containers: [container({ env: [{ name: 'A', value: '1' }] })] }),
      deployment({ containers: [container({ image: 'registry.example/shop/web:hotfix', env: [{ name: 'A', value: '2' }] })] }),
      ['spec.template.spec.containers[name=web].image', 'spec.template.spec.containers[name=web].env[name=A].value'],
    ],
    [
      'quantities: 1000m is 1, 1Gi is 1024Mi, 0.5 is 500m',
      deployment({
        containers: [container({ resources: { requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '0.5', memory: '1.5Gi' } } })],
      }),
      deployment({
        containers: [container({ resources: { requests: { cpu: '1', memory: '1024Mi' }, limits: { cpu: '500m', memory: '1536Mi' } } })],
      }),
      [],
    ],
    [
      'quantities that differ are drift',
      deployment({ containers: [container({ resources: { requests: { cpu: '250m' } } })] }),
      deployment({ containers: [container({ resources: { requests: { cpu: '0.3' } } })] }),
      ['spec.template.spec.containers[name=web].resources.requests.cpu'],
    ],
    [
      'ints written as strings: replicas "2", containerPort "8080"',
      deployment({ containers: [container({ ports: [{ containerPort: '8080' }] })] }, { replicas: '2' }),
      deployment({ containers: [container({ ports: [{ containerPort: 8080, protocol: 'TCP' }] })] }),
      [],
    ],
    [
      'a string is not an int elsewhere: env value "1" vs "01"',
      deployment({ containers: [container({ env: [{ name: 'A', value: '1' }] })] }),
      deployment({ containers: [container({ env: [{ name: 'A', value: '01' }] })] }),
      ['spec.template.spec.containers[name=web].env[name=A].value'],
    ],
    [
      'defaulted field Git spells out, live lacks it',
      deployment({
        containers: [container({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' })],
        restartPolicy: 'Always',
      }),
      deployment({ containers: [container()] }),
      [],
    ],
    [
      'defaulted field Git sets to a non-default value is compared',
      deployment({ containers: [container({ imagePullPolicy: 'Always' })] }),
      deployment({ containers: [container({ imagePullPolicy: 'IfNotPresent' })] }),
      ['spec.template.spec.containers[name=web].imagePullPolicy'],
    ],
    [
      'server metadata and annotations in Git are not compared',
      deployment(
        { containers: [container()] },
        {},
        {
          creationTimestamp: null,
          uid: 'x',
          resourceVersion: '1',
          generation: 9,
          annotations: { 'deployment.kubernetes.io/revision': '1' },
        },
      ),
      deployment(
        { containers: [container()] },
        {},
        { uid: 'y', resourceVersion: '77', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '4' } },
      ),
      [],
    ],
    [
      'an annotation Git sets is compared',
      deployment({ containers: [container()] }, {}, { annotations: { team: 'shop' } }),
      deployment(
        { containers: [container()] },
        {},
        { annotations: { team: 'other', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      ),
      ['metadata.annotations.team'],
    ],
    [
      'containers matched by name, not order',
      deployment({ containers: [container(), { name: 'proxy', image: 'envoy:1' }] }),
      deployment({ containers: [{ name: 'proxy', image: 'envoy:1' }, container()] }),
      [],
    ],
    [
      'env and volumes by name',
      deployment({
        containers: [
          container({
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          }),
        ],
        volumes: [
          { name: 'a', emptyDir: {} },
          { name: 'b', emptyDir: {} },
        ],
      }),
      deployment({
        containers: [
          container({
            env: [
              { name: 'B', value: '2' },
              { name: 'A', value: '1' },
            ],
          }),
        ],
        volumes: [
          { name: 'b', emptyDir: {} },
          { name: 'a', emptyDir: {} },
        ],
      }),
      [],
    ],
    [
      'ports by containerPort and protocol (TCP when unset)',
      deployment({ containers: [container({ ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }] })] }),
      deployment({
        containers: [
          container({
            ports: [
              { containerPort: 53, protocol: 'TCP' },
              { containerPort: 53, protocol: 'UDP' },
            ],
          }),
        ],
      }),
      [],
    ],
    [
      'a container added by hand is drift',
      deployment({ containers: [container()] }),
      deployment({ containers: [container(), { name: 'debug', image: 'busybox' }] }),
      ['spec.template.spec.containers[name=debug]'],
    ],
    [
      'a container removed by hand is drift',
      deployment({ containers: [container(), { name: 'proxy', image: 'envoy:1' }] }),
      deployment({ containers: [container()] }),
      ['spec.template.spec.containers[name=proxy]'],
    ],
    [
      'unkeyed lists compare in order',
      deployment({ containers: [container({ args: ['--a', '--b'] })] }),
      deployment({ containers: [container({ args: ['--b', '--a'] })] }),
      ['spec.template.spec.containers[name=web].args[0]', 'spec.template.spec.containers[name=web].args[1]'],
    ],
  ];
  for (const [name, desired, live, paths] of cases) {
    test(name, () => {
      assert.deepEqual(
        compareObject(KEY, desired, live).map((d) => d.path),
        paths,
      );
    });
  }

  test('image drift is flagged and comes before other fields', () => {
    const diffs = compareObject(
      KEY,
      deployment({ containers: [container()] }, { replicas: 2 }),
      deployment({ containers: [container({ image: 'other:1' })] }, { replicas: 5 }),
    );
    assert.deepEqual(
      diffs.map((d) => [d.path, d.image === true, d.want, d.got]),
      [
        ['spec.template.spec.containers[name=web].image', true, 'registry.example/shop/web:1.4.2', 'other:1'],
        ['spec.replicas', false, 2, 5],
      ],
    );
  });

  test('Service ports by port and protocol; a defaulted Service type in Git', () => {
    const key = { group: '', kind: 'Service', namespace: 'shop', name: 'web' };
    const svc = (ports: unknown[], spec: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports, ...spec },
    });
    assert.deepEqual(
      compareObject(
        key,
        svc([{ port: 80, targetPort: '8080' }, { port: 443 }], { type: 'ClusterIP' }),
        svc([
          { port: 443, protocol: 'TCP' },
          { port: 80, protocol: 'TCP', targetPort: 8080 },
        ]),
      ),
      [],
    );
    assert.deepEqual(
      compareObject(key, svc([{ port: 80 }]), svc([{ port: 81, protocol: 'TCP' }])).map((d) => d.path),
      ['spec.ports[port=80,protocol=TCP]', 'spec.ports[port=81,protocol=TCP]'],
    );
  });

  test('Secret values are never shown, and stringData compares with data', () => {
    const key = { group: '', kind: 'Secret', namespace: 'shop', name: 'db' };
    const want = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 's3cret' } };
    assert.deepEqual(
      compareObject(key, want, { metadata: { name: 'db' }, data: { password: Buffer.from('s3cret').toString('base64') } }),
      [],
    );
    const diffs = compareObject(key, want, { metadata: { name: 'db' }, data: { password: Buffer.from('other').toString('base64') } });
    assert.deepEqual(diffs, [{ path: 'data.password', want: '(hidden)', got: '(hidden)' }]);
    assert.ok(!JSON.stringify(diffs).includes('s3cret'));
  });
});

test('values under credential-like names are hidden, other values shown', () => {
  const desired = deployment({
    containers: [
      container({
        env: [
          { name: 'API_TOKEN', value: 'from-git' },
          { name: 'LOG_LEVEL', value: 'info' },
        ],
      }),
    ],
  });
  const live = deployment({
    containers: [
      container({
        env: [
          { name: 'API_TOKEN', value: 'set-by-hand-s3cr3t' },
          { name: 'LOG_LEVEL', value: 'debug' },
        ],
      }),
    ],
  });
  const diffs = compareObject(KEY, desired, live);
  assert.deepEqual(
    diffs.map((d) => [d.path, d.want, d.got]),
    [
      ['spec.template.spec.containers[name=web].env[name=API_TOKEN].value', '(hidden)', '(hidden)'],
      ['spec.template.spec.containers[name=web].env[name=LOG_LEVEL].value', 'info', 'debug'],
    ],
  );
  const cmKey = { group: '', kind: 'ConfigMap', namespace: 'shop', name: 'c' };
  const cm = (value: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { db_password: value } });
  assert.deepEqual(
    compareObject(cmKey, cm('a'), cm('b')).map((d) => [d.want, d.got]),
    [['(hidden)', '(hidden)']],
  );
  // A container named like a credential is not a credential: its image stays visible.
  const proxy = (image: string) => deployment({ containers: [{ name: 'auth-proxy', image }] });
  assert.deepEqual(
    compareObject(KEY, proxy('proxy:1'), proxy('proxy:2')).map((d) => [d.want, d.got]),
    [['proxy:1', 'proxy:2']],
  );
});

describe('ignore rules', () => {
  const live = (replicas: number, managers: { manager: string; subresource?: string; fieldsV1: Record<string, unknown> }[]) => ({
    ...deployment({ containers: [container()] }, { replicas }),
    metadata: {
      name: 'web',
      namespace: 'shop',
      managedFields: managers.map((m) => ({ operation: 'Update', fieldsType: 'FieldsV1', ...m })),
    },
  });
  const hpa = { manager: 'kube-controller-manager', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } };

  test('a JSON pointer per group/kind ignores that field', () => {
    const rules = parseIgnoreRules('- group: apps\n  kind: Deployment\n  jsonPointers: [/spec/replicas]\n');
    assert.deepEqual(compareObject(KEY, deployment({ containers: [container()] }), live(7, []), rules), []);
  });

  test('a pointer with a list index covers that item', () => {
    const rules = parseIgnoreRules('- group: apps\n  kind: Deployment\n  jsonPointers: [/spec/template/spec/containers/0/image]\n');
    assert.deepEqual(
      compareObject(KEY, deployment({ containers: [container()] }), deployment({ containers: [container({ image: 'x:1' })] }), rules),
      [],
    );
  });

  test('a rule for another name or kind does not apply', () => {
    for (const text of [
      '- group: apps\n  kind: Deployment\n  name: api\n  jsonPointers: [/spec/replicas]',
      '- kind: StatefulSet\n  group: apps\n  jsonPointers: [/spec/replicas]',
    ]) {
      assert.deepEqual(
        compareObject(KEY, deployment({ containers: [container()] }), live(7, []), parseIgnoreRules(text)).map((d) => d.path),
        ['spec.replicas'],
      );
    }
  });

  test('fields owned by a named manager (an autoscaler through the scale subresource) are ignored', () => {
    const rules = parseIgnoreRules('- group: apps\n  kind: Deployment\n  managedFieldsManagers: [kube-controller-manager]\n');
    assert.deepEqual(compareObject(KEY, deployment({ containers: [container()] }), live(7, [hpa]), rules), []);
    // The manager owns replicas only: an image changed by hand is still drift.
    const changed = { ...live(7, [hpa]), spec: { replicas: 7, template: { spec: { containers: [container({ image: 'x:1' })] } } } };
    assert.deepEqual(
      compareObject(KEY, deployment({ containers: [container()] }), changed, rules).map((d) => d.path),
      ['spec.template.spec.containers[name=web].image'],
    );
  });

  test('a manager owning a keyed list item (k: entries)', () => {
    const rules = parseIgnoreRules('- group: apps\n  kind: Deployment\n  managedFieldsManagers: [injector]\n');
    const fieldsV1 = { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:env': {} } } } } } };
    const desired = deployment({ containers: [container({ env: [{ name: 'A', value: '1' }] })] });
    const running = {
      ...live(2, [{ manager: 'injector', fieldsV1 }]),
      spec: { replicas: 2, template: { spec: { containers: [container({ env: [{ name: 'A', value: '9' }] })] } } },
    };
    assert.deepEqual(compareObject(KEY, desired, running, rules), []);
  });

  test("without a rule, the autoscaler's replicas are drift", () => {
    assert.deepEqual(
      compareObject(KEY, deployment({ containers: [container()] }), live(7, [hpa])).map((d) => d.path),
      ['spec.replicas'],
    );
  });

  const bad: [string, string, RegExp][] = [
    [
      'a pointer without a leading slash',
      '- kind: Deployment\n  jsonPointers: [spec/replicas]',
      /"spec\/replicas" is not a JSON pointer; it must start with "\/"/,
    ],
    ['a bad ~ escape', '- kind: Deployment\n  jsonPointers: [/metadata/annotations/a~2b]', /"~" must be followed by 0 or 1/],
    ['no kind', '- jsonPointers: [/spec/replicas]', /rule 1 names no kind/],
    ['nothing to ignore', '- kind: Deployment', /ignores nothing/],
    ['an unknown field (jq is not supported)', '- kind: Deployment\n  jqPathExpressions: [.spec]', /"jqPathExpressions"/],
    ['not a list', 'kind: Deployment', /must be a list of rules/],
    ['not YAML', '- kind: [', /not YAML/],
  ];
  for (const [name, text, message] of bad) {
    test(`bad rule: ${name} is a user error naming the input`, () => {
      assert.throws(
        () => parseIgnoreRules(text),
        (error: Error & { input?: string }) =>
          error.name === 'UserError' && error.input === 'ignore-differences' && message.test(error.message),
      );
    });
  }

  test('pointer escapes: ~1 is "/", ~0 is "~"', () => {
    const rules = parseIgnoreRules('- kind: Deployment\n  group: apps\n  jsonPointers: ["/metadata/annotations/example.com~1a~0b"]');
    const desired = deployment({ containers: [container()] }, {}, { annotations: { 'example.com/a~b': '1' } });
    assert.deepEqual(
      compareObject(KEY, desired, deployment({ containers: [container()] }, {}, { annotations: { 'example.com/a~b': '2' } }), rules),
      [],
    );
  });
});
