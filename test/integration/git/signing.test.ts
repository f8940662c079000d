/**
 * Signed commits: what Baton writes (commits and verification notes) is signed with the key the caller
 * names the way git is told (`commit.gpgsign`, `user.signingkey`, `gpg.format` through GIT_CONFIG_*), and
 * verifies with `git verify-commit` on the server; promote and rollback with `allowed-signers` refuse a
 * source commit without a good signature by an allowed key (exit 1: the step's verdict, nothing written).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UserError } from '../../../src/core/errors.ts';
import { GitRepo } from '../../../src/adapters/git/git-repo.ts';
import { signingConfig } from '../../../src/adapters/git/git-signing-config.ts';
import { defaultPromoteDeps } from '../../../src/steps/promote/deps.ts';
import { promoteStep } from '../../../src/steps/promote/step.ts';
import { rollbackStep } from '../../../src/steps/rollback/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { batonYaml, bump, kustomization, recordVerification, testHistoryDeps, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'signing-token-2f9c4';
const API = '127.0.0.1:1/acme/api';
const DIGEST = `sha256:${'e'.repeat(64)}`;
const DIGEST2 = `sha256:${'f'.repeat(64)}`;

describe('signed commits', () => {
  let work: string;
  let server: GitServer;
  let allowed: string;
  let fingerprint: string;
  const gitDir = () => join(server.root, 'env.git');
  /** `git verify-commit` on the server's repository; throws when the signature is not good. */
  const verifyOnServer = (commit: string, config: string[] = []) => {
    const result = spawnSync('git', [...config, '--git-dir', gitDir(), 'verify-commit', '--raw', commit], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git verify-commit ${commit} exited ${result.status}: ${result.stderr}`);
    return result.stderr;
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'baton-signing-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'baton-test', '-f', join(work, 'id_ed25519')]);
    const publicKey = (await readFile(join(work, 'id_ed25519.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    allowed = join(work, 'allowed_signers');
    await writeFile(allowed, `baton@example.test ${publicKey}\n`);
    const gnupg = join(work, 'gnupg');
    await mkdir(gnupg);
    await chmod(gnupg, 0o700);
    process.env['GNUPGHOME'] = gnupg;
    execFileSync(
      'gpg',
      [
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        '--quick-gen-key',
        'Baton Test <gpg@example.test>',
        'ed25519',
        'sign',
        'never',
      ],
      { stdio: 'ignore' },
    );
    fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(
      execFileSync('gpg', ['--batch', '--with-colons', '--list-keys'], { encoding: 'utf8' }),
    )![1]!;
    // How a CI job asks git (and so Baton) to sign: commit.gpgsign with a key and a format, in GIT_CONFIG_*.
    Object.assign(process.env, {
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_0: 'commit.gpgsign',
      GIT_CONFIG_VALUE_0: 'true',
      GIT_CONFIG_KEY_1: 'gpg.format',
      GIT_CONFIG_VALUE_1: 'ssh',
      GIT_CONFIG_KEY_2: 'user.signingkey',
      GIT_CONFIG_VALUE_2: join(work, 'id_ed25519'),
    });
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await server.createRepo('env', {
      'baton.yaml': batonYaml(),
      'envs/staging/kustomization.yaml': kustomization({ [API]: '1.0.0' }).replace('newTag: 1.0.0', `newTag: 1.0.0\n    digest: ${DIGEST}`),
      'envs/production/kustomization.yaml': kustomization({ [API]: '0.9.0' }),
    });
  });
  after(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('a bump commit and a verification note are signed with the SSH key and verify with git verify-commit', async () => {
    const bumped = await bump(server, 'env', TOKEN, { env: 'staging', image: `${API}:1.1.0@${DIGEST2}`, pin: 'tag+digest' });
    assert.equal(bumped.code, 0, bumped.error);
    const signers = ['-c', `gpg.ssh.allowedSignersFile=${allowed}`];
    assert.match(verifyOnServer(bumped.outputs['commit']!, signers), /Good "git" signature for baton@example\.test/);
    await recordVerification(server, 'env', TOKEN, { env: 'staging', time: '2024-01-01T00:00:00Z', images: [`${API}@${DIGEST2}`] });
    assert.match(verifyOnServer('refs/notes/baton', signers), /Good "git" signature for baton@example\.test/);
    // And a commit nobody signed does not verify: the check can fail.
    const unsigned = execFileSync('git', ['--git-dir', gitDir(), 'rev-list', '--max-parents=0', 'main'], { encoding: 'utf8' }).trim();
    assert.throws(() => verifyOnServer(unsigned, signers));
  });

  it('a commit signed with a GPG key (user.signingkey, gpg.format openpgp) verifies with git verify-commit', async () => {
    const signing = [
      ['gpg.format', 'openpgp'],
      ['user.signingkey', fingerprint],
      ['commit.gpgsign', 'true'],
    ] as const;
    const repo = await GitRepo.clone(
      { url: server.url('env'), token: TOKEN },
      { sparsePaths: ['envs/production'], dir: join(work, 'gpg-clone'), signing },
    );
    try {
      const file = join(repo.dir, 'envs/production/kustomization.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('newTag: 0.9.0', 'newTag: 0.9.1'));
      const commit = (await repo.commit({ message: 'production: bump api to 0.9.1', paths: ['envs/production/kustomization.yaml'] }))!;
      assert.equal(await repo.push(), 'pushed');
      assert.match(verifyOnServer(commit), new RegExp(`VALIDSIG ${fingerprint}`));
      assert.deepEqual(await repo.checkSignature(commit, { kind: 'gpg', fingerprints: [fingerprint] }), {
        good: true,
        detail: fingerprint,
      });
      const other = await repo.checkSignature(commit, { kind: 'gpg', fingerprints: ['0'.repeat(40)] });
      assert.equal(other.good, false);
      assert.match(other.detail, /not an allowed key/);
    } finally {
      await repo.cleanup();
    }
  });

  it('promote with allowed-signers: a signed source passes, an unsigned one is refused with exit 1 and nothing written', async () => {
    const deps = defaultPromoteDeps({});
    const inputs = { repo: server.url('env'), token: TOKEN, to: 'production', 'require-verified': 'false', 'allowed-signers': allowed };
    const good = await runInMemory(promoteStep(deps), { ...inputs, 'dry-run': 'true' });
    assert.equal(good.code, 0, good.error);
    assert.ok(
      good.logs.some((line) => /signed by baton@example\.test/.test(line)),
      good.logs.join('\n'),
    );

    const staging = (await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!;
    await server.commitFiles(
      'env',
      'main',
      { 'envs/staging/kustomization.yaml': staging.replace(DIGEST2, DIGEST) },
      'staging: unsigned hand edit',
    );
    const production = await server.readFile('env', 'main', 'envs/production/kustomization.yaml');
    const head = await server.head('env', 'main');
    const refused = await runInMemory(promoteStep(deps), inputs);
    assert.equal(refused.code, 1, `${refused.error}\n${refused.logs.join('\n')}`);
    assert.match(
      refused.error ?? '',
      /the commit staging runs, [0-9a-f]{12} has no good signature by a key in allowed-signers \(no signature\); nothing was written/,
    );
    assert.equal(await server.head('env', 'main'), head);
    assert.equal(await server.readFile('env', 'main', 'envs/production/kustomization.yaml'), production);
  });

  it('rollback with allowed-signers refuses to restore an unsigned commit; a bad allowed-signers file is exit 2', async () => {
    const deps = testHistoryDeps(() => Date.parse('2030-01-01T00:00:00Z'));
    const head = await server.head('env', 'main');
    const refused = await runInMemory(rollbackStep(deps), {
      repo: server.url('env'),
      token: TOKEN,
      env: 'production',
      reason: 'errors',
      'allowed-signers': allowed,
    });
    assert.equal(refused.code, 1, refused.error);
    assert.match(refused.error ?? '', /the commit to roll back to, [0-9a-f]{12} has no good signature/);
    assert.equal(await server.head('env', 'main'), head);

    await writeFile(join(work, 'bad_signers'), 'not a key\n');
    const bad = await runInMemory(rollbackStep(deps), {
      repo: server.url('env'),
      token: TOKEN,
      env: 'production',
      reason: 'errors',
      'allowed-signers': join(work, 'bad_signers'),
    });
    assert.equal(bad.code, 2, bad.error);
    assert.match(bad.error ?? '', /allowed-signers: line "not a key"/);
  });

  it('commit.gpgsign without a signing key is bad configuration, named', async () => {
    const env = {
      HOME: work,
      PATH: process.env['PATH'],
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'commit.gpgSign',
      GIT_CONFIG_VALUE_0: 'true',
    };
    await assert.rejects(
      signingConfig(env),
      (error: unknown) => error instanceof UserError && /user\.signingkey is not set/.test(error.message),
    );
    assert.deepEqual(await signingConfig({ HOME: work, PATH: process.env['PATH'] }), []);
  });
});
