/**
 * `baton update --import`: Flux's image update guide objects and Argo CD Image Updater's documented
 * annotations become baton.yaml policies (shown as a diff; written only with write), and the update
 * that follows changes the same values the controllers would.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultUpdateDeps } from '../../../src/steps/update/deps.ts';
import { updateStep } from '../../../src/steps/update/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { REGISTRY_PASSWORD, REGISTRY_USER, startUpdateRegistry, type UpdateRegistry } from '../../helpers/update-fixture.ts';

const TOKEN = 'update-import-token-1b7c';

/** The guide's objects (image.toolkit.fluxcd.io), with the image on the test registry. */
function fluxRepo(host: string): Record<string, string> {
  return {
    'clusters/my-cluster/podinfo-deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: podinfo',
      '  namespace: default',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: podinfod',
      `          image: ${host}/stefanprodan/podinfo:5.0.0 # {"$imagepolicy": "flux-system:podinfo"}`,
      '',
    ].join('\n'),
    'clusters/my-cluster/flux-system/podinfo-registry.yaml': [
      'apiVersion: image.toolkit.fluxcd.io/v1beta2',
      'kind: ImageRepository',
      'metadata:',
      '  name: podinfo',
      '  namespace: flux-system',
      'spec:',
      `  image: ${host}/stefanprodan/podinfo`,
      '  interval: 5m',
      '',
    ].join('\n'),
    'clusters/my-cluster/flux-system/podinfo-policy.yaml': [
      'apiVersion: image.toolkit.fluxcd.io/v1beta2',
      'kind: ImagePolicy',
      'metadata:',
      '  name: podinfo',
      '  namespace: flux-system',
      'spec:',
      '  imageRepositoryRef:',
      '    name: podinfo',
      '  policy:',
      '    semver:',
      '      range: 5.0.x',
      '',
    ].join('\n'),
    'clusters/my-cluster/flux-system/flux-system-automation.yaml': [
      'apiVersion: image.toolkit.fluxcd.io/v1beta1',
      'kind: ImageUpdateAutomation',
      'metadata:',
      '  name: flux-system',
      '  namespace: flux-system',
      'spec:',
      '  interval: 30m',
      '  sourceRef:',
      '    kind: GitRepository',
      '    name: flux-system',
      '  git:',
      '    checkout:',
      '      ref:',
      '        branch: main',
      '    commit:',
      '      author:',
      '        email: fluxcdbot@users.noreply.github.com',
      '        name: fluxcdbot',
      '    push:',
      '      branch: main',
      '  update:',
      '    path: ./clusters/my-cluster',
      '    strategy: Setters',
      '',
    ].join('\n'),
  };
}

/** An Application with the annotations of the Image Updater's "Configuring images" page. */
function argoRepo(host: string): Record<string, string> {
  const a = 'argocd-image-updater.argoproj.io';
  return {
    'apps/guestbook.yaml': [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: guestbook',
      '  namespace: argocd',
      '  annotations:',
      `    ${a}/image-list: nginx=${host}/library/nginx:~1.26, myalias=${host}/some/image`,
      `    ${a}/myalias.helm.image-name: foo.image.name`,
      `    ${a}/myalias.helm.image-tag: foo.image.version`,
      `    ${a}/myalias.update-strategy: newest-build`,
      `    ${a}/myalias.allow-tags: regexp:^[0-9a-f]{7}$`,
      `    ${a}/myalias.ignore-tags: latest, master`,
      `    ${a}/write-back-method: git`,
      `    ${a}/write-back-target: "helmvalues:values.yaml"`,
      'spec:',
      '  project: default',
      '  source:',
      '    repoURL: https://example.invalid/guestbook.git',
      '    path: helm/guestbook',
      '  destination:',
      '    server: https://kubernetes.default.svc',
      '    namespace: guestbook',
      '',
    ].join('\n'),
    'helm/guestbook/values.yaml': [
      'image:',
      `  repository: ${host}/library/nginx`,
      '  tag: 1.26.0',
      'foo:',
      '  image:',
      `    name: ${host}/some/image`,
      '    version: "0a1b2c3" # built by CI',
      '',
    ].join('\n'),
  };
}

describe('update --import', () => {
  let git: GitServer;
  let reg: UpdateRegistry;
  let home: string;
  let env: Record<string, string>;

  before(async () => {
    reg = await startUpdateRegistry();
    git = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await git.createRepo('acme/flux', fluxRepo(reg.proxy.host), { branch: 'main' });
    await git.createRepo('acme/argo', argoRepo(reg.proxy.host), { branch: 'main' });
    await reg.push('stefanprodan/podinfo', '5.0.0', 'p0');
    await reg.tag('stefanprodan/podinfo', '5.0.0', ['5.0.1', '5.0.3', '5.1.0', '6.0.0', '5.0.3.sig']);
    await reg.push('library/nginx', '1.26.0', 'n0');
    await reg.tag('library/nginx', '1.26.0', ['1.26.2', '1.27.0', 'latest']);
    await reg.push('some/image', '0a1b2c3', 'old', '2024-01-01T00:00:00Z');
    await reg.push('some/image', 'fedcba9', 'new', '2024-02-01T00:00:00Z');
    await reg.push('some/image', 'latest', 'newest', '2024-03-01T00:00:00Z');
    home = await mkdtemp(join(tmpdir(), 'baton-update-import-'));
    await mkdir(join(home, 'docker'));
    const auth = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
    await writeFile(join(home, 'docker/config.json'), JSON.stringify({ auths: { [reg.proxy.host]: { auth } } }));
    env = { DOCKER_CONFIG: join(home, 'docker') };
  });
  after(async () => {
    await Promise.all([git?.stop(), reg?.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  const run = (repo: string, inputs: Record<string, string> = {}) =>
    runInMemory(
      updateStep(defaultUpdateDeps(env)),
      { repo: git.url(repo), token: TOKEN, mode: 'push', 'insecure-registries': reg.proxy.host, ...inputs },
      env,
    );

  it('Flux: shows the policies as a diff, writes them only when asked, then updates the marked image', async () => {
    const before = await git.head('acme/flux', 'main');
    const shown = await run('acme/flux', { import: 'flux' });
    assert.equal(shown.code, 0, shown.error);
    assert.match(
      shown.summary,
      /\+policies:\n\+ {2}podinfo:\n\+ {4}image: [^\n]+\/stefanprodan\/podinfo\n\+ {4}strategy: semver\n\+ {4}range: 5\.0\.x\n\+ {4}ignore:\n\+ {6}- regexp:\^\.\*\\\.sig\$/,
    );
    assert.match(
      shown.summary,
      /\+environments:\n\+ {2}flux-system:\n\+ {4}path: clusters\/my-cluster\n\+ {4}branch: main\n\+ {4}mode: push\n\+ {4}update: \[ podinfo \]/,
    );
    assert.equal(await git.head('acme/flux', 'main'), before, 'nothing written without write');

    const written = await run('acme/flux', { import: 'flux', write: 'true' });
    assert.equal(written.code, 0, written.error);
    assert.match((await git.readFile('acme/flux', 'main', 'baton.yaml')) ?? '', /podinfo:/);

    const updated = await run('acme/flux');
    assert.equal(updated.code, 0, updated.error);
    // What image-automation-controller's setter writes for this policy: 5.0.3 (5.1.0 is out of range, .sig ignored).
    const deployment = await git.readFile('acme/flux', 'main', 'clusters/my-cluster/podinfo-deployment.yaml');
    assert.equal(
      deployment,
      fluxRepo(reg.proxy.host)['clusters/my-cluster/podinfo-deployment.yaml']!.replace('podinfo:5.0.0', 'podinfo:5.0.3'),
    );
  });

  it('Argo CD Image Updater: aliases, strategies, allow and ignore tags, Helm parameter names as markers', async () => {
    const written = await run('acme/argo', { import: 'argocd', write: 'true' });
    assert.equal(written.code, 0, written.error);
    const config = (await git.readFile('acme/argo', 'main', 'baton.yaml')) ?? '';
    assert.match(config, /guestbook-nginx:\n {4}image: [^\n]+\/library\/nginx\n {4}strategy: semver\n {4}range: ~1\.26\n/);
    assert.match(
      config,
      /guestbook-myalias:\n {4}image: [^\n]+\/some\/image\n {4}strategy: newest-build\n {4}allow:\n {6}- regexp:\^\[0-9a-f\]\{7\}\$\n {4}ignore:\n {6}- latest\n {6}- master\n/,
    );
    assert.match(config, /guestbook:\n {4}path: helm\/guestbook\n {4}mode: push\n {4}update: \[ guestbook-nginx, guestbook-myalias \]/);
    const values = (await git.readFile('acme/argo', 'main', 'helm/guestbook/values.yaml')) ?? '';
    assert.match(values, /name: [^\n]+\/some\/image # baton: [^\n]+\/some\/image:name\n/);
    assert.match(
      values,
      /version: "0a1b2c3" # baton: [^\n]+\/some\/image:tag # built by CI\n/,
      'the marker opens the comment, which stays',
    );

    const updated = await run('acme/argo');
    assert.equal(updated.code, 0, updated.error);
    // The controller's helmvalues write-back sets image.tag and foo.image.version in this file.
    const after = (await git.readFile('acme/argo', 'main', 'helm/guestbook/values.yaml')) ?? '';
    assert.match(after, /\n {2}tag: 1\.26\.2\n/);
    assert.match(after, /version: "fedcba9" # baton: [^\n]+:tag # built by CI\n/, 'newest build allowed: latest is ignored');
  });
});
