/**
 * Every input a user can get wrong: exit 2, a message naming the input, and nothing asked of any cluster.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type KubeApiServer, manualClock, startKubeApi } from '../../helpers/kube-api.ts';
import { kubeconfigFile, runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';

describe('bad input: exit 2 with the input named, nothing touched', () => {
  const clock = manualClock();
  let api: KubeApiServer;
  let file: Awaited<ReturnType<typeof kubeconfigFile>>;
  let empty: string;
  before(async () => {
    api = await startKubeApi({ clock });
    file = await kubeconfigFile(api.kubeconfig());
    empty = await mkdtemp(join(tmpdir(), 'baton-home-'));
  });
  after(async () => {
    await api.stop();
    await file.cleanup();
    await rm(empty, { recursive: true, force: true });
  });

  const base = () => ({ targets: 'deployment/prod/web', kubeconfig: file.path });
  const cases: [string, () => Record<string, string>, string, RegExp, Record<string, string>?][] = [
    [
      'unreadable kubeconfig (missing file)',
      () => ({ ...base(), kubeconfig: '/nonexistent/kubeconfig' }),
      'kubeconfig',
      /cannot read "\/nonexistent\/kubeconfig" \(ENOENT\)/,
    ],
    ['unreadable kubeconfig (a directory)', () => ({ ...base(), kubeconfig: empty }), 'kubeconfig', /cannot read .* \(EISDIR\)/],
    [
      'kubeconfig content that is not one',
      () => ({ ...base(), kubeconfig: 'apiVersion: v1\nclusters: [oops' }),
      'kubeconfig',
      /the given content is not a usable kubeconfig/,
    ],
    [
      'KUBECONFIG naming only missing files',
      () => ({ targets: 'deployment/web' }),
      'kubeconfig',
      /none of the files in KUBECONFIG exists/,
      { KUBECONFIG: '/nope/a:/nope/b' },
    ],
    ['no kubeconfig anywhere', () => ({ targets: 'deployment/web' }), 'kubeconfig', /no kubeconfig found/, { HOME: '' }],
    ['unknown context', () => ({ ...base(), context: 'prod-eu' }), 'context', /"prod-eu" is not in .*config; it has test/],
    ['unknown kind', () => ({ ...base(), targets: 'deploymnet/web' }), 'targets', /unknown kind "deploymnet"/],
    ['a target without a name', () => ({ ...base(), targets: 'web' }), 'targets', /not kind\/name/],
    [
      'a Flux kind with provider kubernetes',
      () => ({ ...base(), targets: 'kustomization/apps' }),
      'targets',
      /read by provider flux, not kubernetes/,
    ],
    ['malformed expected image', () => ({ ...base(), 'expected-image': 'ghcr.io/acme/Web::1' }), 'expected-image', /not a valid/],
    [
      'expected image without tag or digest',
      () => ({ ...base(), 'expected-image': 'ghcr.io/acme/web' }),
      'expected-image',
      /neither a tag nor a digest/,
    ],
    ['negative timeout', () => ({ ...base(), timeout: '-5m' }), 'timeout', /"-5m" is not a duration/],
    ['zero timeout', () => ({ ...base(), timeout: '0s' }), 'timeout', /must be more than 0/],
    ['interval that is not a duration', () => ({ ...base(), interval: 'soon' }), 'interval', /not a duration/],
    ['interval too short', () => ({ ...base(), interval: '10ms' }), 'interval', /would flood the API/],
    ['restart threshold 0', () => ({ ...base(), 'restart-threshold': '0' }), 'restart-threshold', /at least 1/],
    ['expected revision that is no commit', () => ({ ...base(), 'expected-revision': 'main' }), 'expected-revision', /not a commit id/],
    ['unknown provider', () => ({ ...base(), provider: 'ecs' }), 'provider', /not one of kubernetes, argocd, flux, http/],
    ['bad namespace', () => ({ ...base(), namespace: 'Prod' }), 'namespace', /not a namespace name/],
    ['bad selector', () => ({ selector: 'app in web', kubeconfig: file.path }), 'selector', /not a label selector/],
    ['argocd without a server', () => ({ provider: 'argocd', application: 'web' }), 'argocd-server', /required with provider argocd/],
    [
      'argocd without an application',
      () => ({ provider: 'argocd', 'argocd-server': 'https://argocd.example.com' }),
      'application',
      /name the Argo CD application/,
    ],
    ['http without url', () => ({ provider: 'http' }), 'url', /required with provider http/],
    ['http with a non-http url', () => ({ provider: 'http', url: 'ftp://example.com/v' }), 'url', /not http or https/],
    [
      'expect-json without =',
      () => ({ provider: 'http', url: 'https://example.com', 'expect-json': 'version' }),
      'expect-json',
      /not name=value/,
    ],
    [
      'expect-status out of range',
      () => ({ provider: 'http', url: 'https://example.com', 'expect-status': '42' }),
      'expect-status',
      /not an HTTP status code/,
    ],
    ['rollback without an environment', () => ({ ...base(), 'on-failure': 'rollback' }), 'on-failure', /needs repo and env/],
    ['recording without env', () => ({ ...base(), repo: 'https://git.example.com/acme/env.git' }), 'env', /needed to record the verdict/],
  ];
  for (const [name, raw, input, pattern, env] of cases) {
    test(name, async () => {
      const before = api.requests.length;
      const run = await runVerifyStep(raw(), testDeps(clock), env ?? {});
      assert.equal(run.code, 2, run.message);
      assert.equal((run.error as { input?: string }).input, input, run.message);
      assert.ok(run.message.startsWith(`${input}: `), run.message);
      assert.match(run.message, pattern);
      assert.equal(api.requests.length, before, 'no request reached the cluster');
    });
  }
});
