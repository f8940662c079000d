/** Targets as people write them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../../src/core/errors.ts';
import { checkSelector, parseTarget, targetLabel } from '../../../../src/core/verify/targets.ts';

test('known kinds and their aliases', () => {
  const cases: [string, string, string, string | undefined][] = [
    ['deployment/web', 'Deployment', 'web', undefined],
    ['deploy/prod/web', 'Deployment', 'web', 'prod'],
    ['Deployments/web', 'Deployment', 'web', undefined],
    ['deployments.apps/web', 'Deployment', 'web', undefined],
    ['sts/db', 'StatefulSet', 'db', undefined],
    ['ds/agent', 'DaemonSet', 'agent', undefined],
    ['job/migrate', 'Job', 'migrate', undefined],
    ['rollout/web', 'Rollout', 'web', undefined],
    ['ks/flux-system/apps', 'Kustomization', 'apps', 'flux-system'],
    ['hr/web', 'HelmRelease', 'web', undefined],
    ['application/web', 'Application', 'web', undefined],
  ];
  for (const [text, kind, name, namespace] of cases) {
    const target = parseTarget(text);
    assert.equal(target.known?.kind, kind, text);
    assert.equal(target.name, name);
    assert.equal(target.namespace, namespace);
  }
});

test('a custom resource by kind.group', () => {
  const target = parseTarget('certificate.cert-manager.io/prod/web');
  assert.equal(target.known, undefined);
  assert.equal(target.kind, 'certificate');
  assert.equal(target.group, 'cert-manager.io');
  assert.equal(targetLabel(target), 'certificate.cert-manager.io/prod/web');
});

test('unknown kinds, bad names and shapes are user errors naming targets', () => {
  for (const text of [
    'deploymnet/web',
    'web',
    'deployment/',
    'deployment/Web',
    'deployment/a/b/c',
    'deployment/-x',
    'deployment/bad_ns/web',
  ]) {
    assert.throws(
      () => parseTarget(text),
      (e: unknown) => e instanceof UserError && e.input === 'targets',
      text,
    );
  }
  assert.throws(() => parseTarget('deploymnet/web'), /unknown kind "deploymnet".*certificate.cert-manager.io\/web/);
});

test('a kind alone only with a selector', () => {
  assert.equal(parseTarget('deployment', 'targets', true).name, undefined);
  assert.throws(() => parseTarget('deployment'), UserError);
});

test('label selectors are checked like the API server does', () => {
  for (const ok of ['app=web', 'app==web,tier!=db', 'tier in (api, web)', '!legacy', 'app.kubernetes.io/name=web'])
    assert.equal(checkSelector(ok), ok);
  for (const bad of ['app=', '=web', 'app in api', 'app=web,,', 'a b']) {
    if (bad === 'app=') continue;
    assert.throws(
      () => checkSelector(bad),
      (e: unknown) => e instanceof UserError && e.input === 'selector',
      bad,
    );
  }
});
