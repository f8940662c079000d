/**
 * Rollback, history and release-hold over a real smart-HTTP git server: the history lists what the
 * environment ran; rollbacks to previous, n steps back and a tag land as forward commits with reason,
 * actor and a hold; the hold stops the next bump until released.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { historyStep } from '../../../src/steps/history/step.ts';
import { releaseHoldStep } from '../../../src/steps/release-hold/step.ts';
import { rollbackHandoff, rollbackStep } from '../../../src/steps/rollback/step.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { batonYaml, bump, kustomization, recordVerification, testHistoryDeps, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'rollback-token-71c3e';
const API = 'ghcr.io/acme/api';
const FILE = 'envs/production/kustomization.yaml';
const NOW = Date.parse('2024-06-01T10:00:00Z');
const CI = { GITHUB_SERVER_URL: 'https://forge.example', GITHUB_REPOSITORY: 'acme/app', GITHUB_RUN_ID: '5', GITHUB_ACTOR: 'alice' };

describe('rollback, history and release-hold', () => {
  let server: GitServer;
  const deps = testHistoryDeps(() => NOW);
  const run = (step: ReturnType<typeof rollbackStep>, inputs: Record<string, string>, env: Record<string, string> = CI) =>
    runInMemory(step, { repo: server.url('env'), token: TOKEN, ...inputs }, env);
  const rollback = (inputs: Record<string, string>) => run(rollbackStep(deps), { env: 'production', reason: 'error rate up', ...inputs });
  const history = (inputs: Record<string, string> = {}) => run(historyStep(deps), { env: 'production', ...inputs });
  const apiTag = async () => /name: ghcr\.io\/acme\/api\n {4}newTag: (\S+)/.exec((await server.readFile('env', 'main', FILE))!)?.[1];

  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await server.createRepo('env', {
      'baton.yaml': batonYaml(),
      'base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n',
      'envs/staging/kustomization.yaml': kustomization({ [API]: '1.0.0', 'ghcr.io/acme/web': '2.0.0' }),
      [FILE]: kustomization({ [API]: '1.0.0', 'ghcr.io/acme/web': '2.0.0' }),
    });
    for (const tag of ['1.1.0', '1.2.0'])
      assert.equal((await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:${tag}` })).code, 0);
    await server.commitFiles('env', 'main', { 'envs/production/replicas.yaml': 'replicas: 3\n' }, 'production: three replicas');
    await recordVerification(server, 'env', TOKEN, { env: 'production', time: '2024-05-31T09:00:00Z', images: [] });
    assert.equal((await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:1.3.0` })).code, 0);
  });
  after(() => server.stop());

  it('history lists the states newest first, config commits folded, with the verdict', async () => {
    const result = await history();
    assert.equal(result.code, 0, result.error);
    const entries = JSON.parse(result.outputs['entries']!) as Array<{
      commit: string;
      images: Record<string, { tag: string }>;
      folded: string[];
      verdict?: { status: string };
    }>;
    assert.deepEqual(
      entries.map((e) => e.images[API]!.tag),
      ['1.3.0', '1.2.0', '1.1.0', '1.0.0'],
    );
    assert.equal(entries[1]!.folded.length, 1, 'the replicas commit folds into the 1.2.0 state');
    assert.equal(entries[1]!.verdict?.status, 'healthy', 'the verdict noted on the folded commit counts for the state');
    assert.equal(result.outputs['current'], (await server.log('env', 'main'))[0]!.oid);
    assert.match(result.summary, /\| now \| `[0-9a-f]{12}` \|/);
  });

  it('rolls back to previous as a forward commit with reason, actor and a hold next to the value', async () => {
    const before = await server.log('env', 'main');
    const result = await rollback({});
    assert.equal(result.code, 0, result.error);
    assert.equal(await apiTag(), '1.2.0');
    const log = await server.log('env', 'main');
    assert.equal(log.length, before.length + 1, 'one new commit');
    assert.deepEqual(log[1], before[0], 'history is not rewritten');
    assert.equal(log[0]!.subject, `production: roll back ${API} to 1.2.0`);
    assert.match(log[0]!.message, /Rolled back by alice to the state of [0-9a-f]{12} .*: error rate up\./);
    assert.match(log[0]!.message, /\nBaton-Rollback: [0-9a-f]{40}\nBaton-Reason: error rate up\n/);
    assert.match(log[0]!.message, /\nBaton-Actor: alice\n/);
    const file = (await server.readFile('env', 'main', FILE))!;
    assert.match(
      file,
      /\n {2}# baton-hold: ghcr\.io\/acme\/api by "alice" on 2024-06-01T10:00:00\.000Z reason "error rate up"; release: baton release-hold --env production --image ghcr\.io\/acme\/api\n {2}- name: ghcr\.io\/acme\/api\n {4}newTag: 1\.2\.0\n/,
    );
    assert.equal(result.outputs['held'], API);
    assert.deepEqual(JSON.parse(result.outputs['images']!), [{ image: API, from: `${API}:1.3.0`, to: `${API}:1.2.0` }]);
  });

  it('the hold stops the next bump, which says how to release it', async () => {
    const before = await server.log('env', 'main');
    const result = await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:1.4.0` });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['changed'], 'false');
    assert.ok(
      result.logs.some((l) =>
        /warning: ghcr\.io\/acme\/api is held in production since 2024-06-01T10:00:00\.000Z by alice \(error rate up; envs\/production\/kustomization\.yaml:\d+\): not bumped\. Release it with "baton release-hold --env production --image ghcr\.io\/acme\/api", or run with override-hold\./.test(
          l,
        ),
      ),
      result.logs.join('\n'),
    );
    assert.equal(result.annotations[0]?.level, 'warning');
    assert.deepEqual(await server.log('env', 'main'), before);
    // Held is said as held: not "already in place", and no new-tag a later job could take for deployed.
    assert.equal(result.outputs['held'], API);
    assert.equal(result.outputs['new-tag'], '');
    assert.equal(result.outputs['old-tag'], '1.2.0');
    assert.match(result.summary, /ghcr\.io\/acme\/api:1\.4\.0: held by a rollback, not bumped/);
    assert.ok(!/already in place/.test(result.summary + result.logs.join('\n')));
    // Another image of the same environment is not held; bumped together, only it is named in subject and trailers.
    const web = await bump(server, 'env', TOKEN, { env: 'production', image: `ghcr.io/acme/web:2.1.0\n${API}:1.4.0` });
    assert.equal(web.outputs['changed'], 'true', web.error);
    const [head] = await server.log('env', 'main');
    assert.equal(head!.subject, 'production: bump ghcr.io/acme/web to 2.1.0');
    assert.match(head!.message, /\nBaton-Image: ghcr\.io\/acme\/web:2\.1\.0\n/);
    assert.ok(!head!.message.includes(`Baton-Image: ${API}`), head!.message);
  });

  it('history shows the rollback', async () => {
    const result = await history();
    const entries = JSON.parse(result.outputs['entries']!) as Array<{
      images: Record<string, { tag: string }>;
      rollback?: { reason: string; actor: string; to: string };
    }>;
    assert.deepEqual(entries[1]!.rollback, { reason: 'error rate up', actor: 'alice', to: entries[1]!.rollback!.to });
    assert.match(result.summary, /rollback by alice: error rate up/);
  });

  it('previous after a rollback goes further back instead of undoing it; n steps back and a tag work', async () => {
    const again = await rollback({ image: API, reason: 'still bad' });
    assert.equal(again.code, 0, again.error);
    assert.equal(await apiTag(), '1.1.0', 'skips the abandoned 1.3.0 and the equal 1.2.0');
    const file = (await server.readFile('env', 'main', FILE))!;
    assert.equal(file.match(/baton-hold/g)?.length, 1, 'the hold is replaced, not doubled');
    assert.match(file, /reason "still bad"/);

    const twoBack = await rollback({ image: API, to: '2' });
    assert.equal(twoBack.code, 0, twoBack.error);
    assert.equal(await apiTag(), '1.0.0', 'two distinct states back from 1.1.0: 1.2.0, then 1.0.0 (1.3.0 was rolled back from: abandoned)');

    const tag = await rollback({ to: '1.3.0' });
    assert.equal(tag.code, 0, tag.error);
    assert.equal(await apiTag(), '1.3.0', 'a tag reaches any state, an abandoned one too (rolling forward)');
    assert.deepEqual(
      JSON.parse(tag.outputs['images']!).map((i: { image: string }) => i.image),
      [API],
      'only the image that had the tag goes back',
    );
  });

  it('to a commit; dry-run writes nothing; rolling back to what runs changes nothing', async () => {
    const first = (await server.log('env', 'main')).at(-1)!.oid;
    const before = await server.log('env', 'main');
    const dry = await rollback({ to: first.slice(0, 10), 'dry-run': 'true' });
    assert.equal(dry.code, 0, dry.error);
    assert.equal(dry.outputs['changed'], 'true');
    assert.match(dry.summary, /```diff/);
    assert.deepEqual(await server.log('env', 'main'), before);
    const same = await rollback({ to: '1.3.0' });
    assert.equal(same.code, 2, 'the current version is not an earlier state');
  });

  it('release-hold removes the hold, and the next bump lands', async () => {
    const result = await run(releaseHoldStep(deps), { env: 'production', image: API, reason: 'fixed in 1.4.0' });
    assert.equal(result.code, 0, result.error);
    assert.equal(result.outputs['released'], API);
    assert.doesNotMatch((await server.readFile('env', 'main', FILE))!, /baton-hold/);
    assert.match((await server.log('env', 'main'))[0]!.subject, /^production: release the rollback hold on ghcr\.io\/acme\/api$/);
    const next = await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:1.4.0` });
    assert.equal(next.outputs['changed'], 'true', next.error);
    assert.equal(await apiTag(), '1.4.0');
  });

  it('override-hold writes through the hold and removes it in the same commit', async () => {
    assert.equal((await rollback({ image: API })).code, 0);
    const result = await bump(server, 'env', TOKEN, { env: 'production', image: `${API}:1.5.0`, 'override-hold': 'true' });
    assert.equal(result.code, 0, result.error);
    const file = (await server.readFile('env', 'main', FILE))!;
    assert.equal(await apiTag(), '1.5.0');
    assert.doesNotMatch(file, /baton-hold/);
    assert.match(result.summary, /Released the rollback hold/);
  });

  it('bad input: to not in history, unknown environment, unknown image; nothing written', async () => {
    const before = await server.log('env', 'main');
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [
        { to: '9.9.9' },
        'to',
        /to: tag 9\.9\.9 is not in this environment's history \(\d+ state\(s\) read, back to [0-9a-f]{12} of .*\); run "baton history"/,
      ],
      [{ to: 'sha256:' + 'e'.repeat(64) }, 'to', /to: digest sha256:eeeeeeeeeeee is not in this environment's history/],
      [{ to: '40' }, 'to', /to: 40 steps back is not in this environment's history/],
      [{ to: 'not a tag!' }, 'to', /to: "not a tag!" is neither previous/],
      [{ env: 'qa' }, 'env', /env: "qa" is not an environment in baton\.yaml \(known: staging, production\)/],
      [{ image: 'ghcr.io/acme/nope' }, 'image', /image: ghcr\.io\/acme\/nope is not in this environment/],
      [{ image: 'ghcr.io/acme/api:1.0.0' }, 'image', /image: give the name only/],
      [{ reason: '  ' }, 'reason', /reason: (say why|this input is required)/],
    ];
    for (const [inputs, input, message] of cases) {
      const result = await rollback(inputs);
      assert.equal(result.code, 2, `${JSON.stringify(inputs)}: ${result.error}`);
      assert.match(result.error ?? '', message);
      assert.ok(result.error?.startsWith(`${input}:`), result.error);
    }
    assert.deepEqual(await server.log('env', 'main'), before);
  });

  it("verify's on-failure hand-off rolls the environment back with verify's reason", async () => {
    const lines: string[] = [];
    const handoff = rollbackHandoff(deps, {}, (line) => lines.push(line));
    const before = await apiTag();
    const said = await handoff.rollback({
      repo: server.url('env'),
      token: TOKEN,
      env: 'production',
      reason: 'deployment/api: ImagePullBackOff',
    });
    assert.match(said, /^rolled production back to the state of [0-9a-f]{12}: [0-9a-f]{40}$/);
    assert.notEqual(await apiTag(), before);
    assert.match((await server.log('env', 'main'))[0]!.message, /\nBaton-Reason: verify failed: deployment\/api: ImagePullBackOff\n/);
  });
});
