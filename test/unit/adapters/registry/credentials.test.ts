import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CredentialResolver } from '../../../../src/adapters/registry/credentials.ts';
import { UserError } from '../../../../src/core/errors.ts';

let root: string;
let bin: string;

/** A fake `docker-credential-<name>` that logs what it was asked and answers from a table. */
async function fakeHelper(name: string, answers: Record<string, { Username: string; Secret: string }>): Promise<string> {
  const log = join(root, `${name}.log`);
  const cases = Object.entries(answers)
    .map(([server, answer]) => `  '${server}') echo '${JSON.stringify({ ServerURL: server, ...answer })}' ;;`)
    .join('\n');
  const script = `#!/bin/sh
[ "$1" = get ] || exit 3
server=$(cat)
echo "$server" >> '${log}'
case "$server" in
${cases}
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`;
  const path = join(bin, `docker-credential-${name}`);
  await writeFile(path, script);
  await chmod(path, 0o755);
  return log;
}

async function home(name: string, files: Record<string, unknown>): Promise<string> {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

function env(homeDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: `${bin}:/usr/bin:/bin`, HOME: homeDir, ...extra };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-creds-'));
  bin = join(root, 'bin');
  await mkdir(bin);
});
after(async () => rm(root, { recursive: true, force: true }));

describe('CredentialResolver', () => {
  it('uses explicit inputs for their registry only', async () => {
    const dir = await home('explicit', {});
    const resolver = new CredentialResolver({
      credentials: [{ registry: 'ghcr.io', username: 'u', password: 'p' }],
      env: env(dir),
      home: dir,
    });
    const found = await resolver.resolve('ghcr.io', 'acme/api');
    assert.deepEqual(found.credential, { username: 'u', password: 'p', source: 'the username/password inputs' });
    const other = await resolver.resolve('quay.io', 'acme/api');
    assert.equal(other.credential, undefined);
    assert.ok(other.searched.includes('the username/password inputs'));
  });

  it('decodes `auth` (base64 user:password, a colon in the password kept)', async () => {
    const dir = await home('auth', { '.docker/config.json': { auths: { 'registry.example.com': { auth: b64('bob:pa:ss') } } } });
    const { credential } = await new CredentialResolver({ env: env(dir), home: dir }).resolve('registry.example.com', 'x');
    assert.equal(credential?.username, 'bob');
    assert.equal(credential?.password, 'pa:ss');
    assert.match(credential!.source, /\.docker\/config\.json \(auths\["registry\.example\.com"\]\)/);
  });

  it('reads username/password fields and keys written as URLs', async () => {
    const dir = await home('fields', {
      '.docker/config.json': { auths: { 'https://localhost:5000/v2/': { username: 'u', password: 'p' } } },
    });
    const { credential } = await new CredentialResolver({ env: env(dir), home: dir }).resolve('localhost:5000', 'x');
    assert.equal(credential?.username, 'u');
    assert.equal(credential?.password, 'p');
  });

  it('maps docker.io to the https://index.docker.io/v1/ key', async () => {
    const dir = await home('hub', {
      '.docker/config.json': { auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') } } },
    });
    const { credential } = await new CredentialResolver({ env: env(dir), home: dir }).resolve('docker.io', 'library/nginx');
    assert.equal(credential?.username, 'hubuser');
  });

  it('keeps identitytoken and registrytoken', async () => {
    const dir = await home('tokens', {
      '.docker/config.json': {
        auths: { 'id.example': { auth: b64('u:'), identitytoken: 'refresh-1' }, 'rt.example': { registrytoken: 'bearer-1' } },
      },
    });
    const resolver = new CredentialResolver({ env: env(dir), home: dir });
    assert.equal((await resolver.resolve('id.example', 'x')).credential?.identityToken, 'refresh-1');
    assert.equal((await resolver.resolve('rt.example', 'x')).credential?.registryToken, 'bearer-1');
  });

  it('honours DOCKER_CONFIG over the home directory', async () => {
    const dir = await home('dockerconfig', {
      '.docker/config.json': { auths: { 'r.example': { auth: b64('home:1') } } },
      'elsewhere/config.json': { auths: { 'r.example': { auth: b64('env:2') } } },
    });
    const resolver = new CredentialResolver({ env: env(dir, { DOCKER_CONFIG: join(dir, 'elsewhere') }), home: dir });
    assert.equal((await resolver.resolve('r.example', 'x')).credential?.username, 'env');
  });

  it('asks the credHelpers helper with the host on standard input, once per host', async () => {
    const log = await fakeHelper('perhost', { 'ecr.example': { Username: 'AWS', Secret: 's3cret' } });
    const dir = await home('credhelpers', { '.docker/config.json': { credHelpers: { 'ecr.example': 'perhost' } } });
    const resolver = new CredentialResolver({ env: env(dir), home: dir });
    const { credential } = await resolver.resolve('ecr.example', 'team/app');
    await resolver.resolve('ecr.example', 'team/app');
    await resolver.resolve('ecr.example', 'team/other');
    assert.equal(credential?.username, 'AWS');
    assert.equal(credential?.password, 's3cret');
    assert.match(credential!.source, /credHelpers\["ecr\.example"\]\) via docker-credential-perhost/);
    assert.equal(await readFile(log, 'utf8'), 'ecr.example\n');
  });

  it('asks credsStore for Docker Hub with the legacy URL and falls back to auths when it has nothing', async () => {
    const log = await fakeHelper('store', { 'https://index.docker.io/v1/': { Username: '<token>', Secret: 'identity-1' } });
    const dir = await home('credsstore', {
      '.docker/config.json': { credsStore: 'store', auths: { 'other.example': { auth: b64('o:p') } } },
    });
    const resolver = new CredentialResolver({ env: env(dir), home: dir });
    const hub = await resolver.resolve('docker.io', 'library/alpine');
    assert.equal(hub.credential?.identityToken, 'identity-1', 'user <token> means an identity token');
    const other = await resolver.resolve('other.example', 'x');
    assert.equal(other.credential?.username, 'o');
    assert.equal(await readFile(log, 'utf8'), 'https://index.docker.io/v1/\nother.example\n');
  });

  it('names the config file when its helper is missing', async () => {
    const dir = await home('nohelper', { '.docker/config.json': { credsStore: 'desktop' } });
    await assert.rejects(new CredentialResolver({ env: env(dir), home: dir }).resolve('r.example', 'x'), (error: Error) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /config\.json \(credsStore\) names the credential helper "desktop"/);
      assert.match(error.message, /Install docker-credential-desktop/);
      return true;
    });
  });

  it('reads REGISTRY_AUTH_FILE first, the most specific namespace winning', async () => {
    const dir = await home('authfile', {
      'auth.json': {
        auths: { 'quay.io': { auth: b64('host:1') }, 'quay.io/team': { auth: b64('team:2') }, 'quay.io/team/app': { auth: b64('app:3') } },
      },
      '.docker/config.json': { auths: { 'quay.io': { auth: b64('docker:4') } } },
    });
    const resolver = new CredentialResolver({ env: env(dir, { REGISTRY_AUTH_FILE: join(dir, 'auth.json') }), home: dir });
    assert.equal((await resolver.resolve('quay.io', 'team/app')).credential?.username, 'app');
    assert.equal((await resolver.resolve('quay.io', 'team/other')).credential?.username, 'team');
    assert.equal((await resolver.resolve('quay.io', 'teamx/y')).credential?.username, 'host');
  });

  it('reads $XDG_RUNTIME_DIR/containers/auth.json after the docker config', async () => {
    const dir = await home('xdg', { 'run/containers/auth.json': { auths: { 'docker.io': { auth: b64('podman:1') } } } });
    const resolver = new CredentialResolver({ env: env(dir, { XDG_RUNTIME_DIR: join(dir, 'run') }), home: dir });
    const found = await resolver.resolve('docker.io', 'library/alpine');
    assert.equal(found.credential?.username, 'podman');
    assert.match(found.searched[0]!, /\.docker\/config\.json \(absent\)/);
  });

  it('uses GitLab CI_REGISTRY_USER/PASSWORD for the host in CI_REGISTRY only', async () => {
    const dir = await home('gitlab', {});
    const ci = { CI_REGISTRY: 'registry.gitlab.example:5050', CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: 'job-token' };
    const resolver = new CredentialResolver({ env: env(dir, ci), home: dir });
    const found = await resolver.resolve('registry.gitlab.example:5050', 'group/project');
    assert.deepEqual(found.credential, {
      username: 'gitlab-ci-token',
      password: 'job-token',
      source: 'GitLab CI_REGISTRY_USER/CI_REGISTRY_PASSWORD',
    });
    assert.equal((await resolver.resolve('registry.gitlab.example', 'group/project')).credential, undefined);
  });

  it('lists every place it looked when nothing is found', async () => {
    const dir = await home('nothing', {});
    const found = await new CredentialResolver({ env: env(dir), home: dir }).resolve('r.example', 'x');
    assert.equal(found.credential, undefined);
    assert.deepEqual(found.searched, [`${dir}/.docker/config.json (absent)`, `${dir}/.config/containers/auth.json (absent)`]);
  });

  it('refuses a credentials file that is not JSON, naming it', async () => {
    const dir = await home('broken', { '.docker/config.json': '{ nope' });
    await assert.rejects(new CredentialResolver({ env: env(dir), home: dir }).resolve('r.example', 'x'), /config\.json is not valid JSON/);
  });

  it('skips empty entries (credentials kept in a store)', async () => {
    const dir = await home('empty', {
      '.docker/config.json': { auths: { 'r.example': {} } },
      '.config/containers/auth.json': { auths: { 'r.example': { auth: b64('c:d') } } },
    });
    const found = await new CredentialResolver({ env: env(dir), home: dir }).resolve('r.example', 'x');
    assert.equal(found.credential?.username, 'c');
  });
});
