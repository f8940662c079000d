/**
 * A promotion racing with bumps of other images in the target environment, each its own job against the
 * real smart-HTTP git server: everything lands, through the same push-race handling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { promoteStep } from '../../../src/steps/promote/step.ts';
import { defaultPromoteDeps } from '../../../src/steps/promote/deps.ts';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runInMemory } from '../../helpers/memory-platform.ts';
import { batonYaml, bump, kustomization, recordVerification, USER } from '../../helpers/promote-fixture.ts';

const TOKEN = 'promote-race-token-3d7b5';
// Port 1 refuses at once: labels for the PR body are best effort and must not slow the race down.
const API = '127.0.0.1:1/acme/api';
const DIGEST = `sha256:${'c'.repeat(64)}`;
const OTHERS = Array.from({ length: 6 }, (_, i) => `127.0.0.1:1/acme/svc-${i}`);

describe('a promotion racing with bumps of other images', () => {
  let server: GitServer;
  const createRepo = async (name: string) => {
    const production = Object.fromEntries([[API, '1.0.0'], ...OTHERS.map((image) => [image, '1.0.0'])]);
    await server.createRepo(name, {
      'baton.yaml': batonYaml(),
      'envs/staging/kustomization.yaml': kustomization({ [API]: '2.0.0' }).replace('newTag: 2.0.0', `newTag: 2.0.0\n    digest: ${DIGEST}`),
      'envs/production/kustomization.yaml': kustomization(production),
    });
    await recordVerification(server, name, TOKEN, { env: 'staging', time: '2024-01-01T00:00:00Z', images: [`${API}@${DIGEST}`] });
  };
  const landed = async (repo: string, bumped: readonly string[]) => {
    const doc = parse((await server.readFile(repo, 'main', 'envs/production/kustomization.yaml'))!) as {
      images: Array<{ name: string; newTag: string; digest?: string }>;
    };
    const byName = new Map(doc.images.map((entry) => [entry.name, entry]));
    assert.deepEqual(byName.get(API), { name: API, newTag: '2.0.0', digest: DIGEST });
    for (const name of bumped) assert.equal(byName.get(name)?.newTag, '2.0.0', name);
    const log = await server.log(repo, 'main');
    assert.equal(log.filter((c) => c.subject === `production: promote ${API} 2.0.0 from staging`).length, 1, 'one promotion commit');
    assert.equal(log.filter((c) => /^production: bump /.test(c.subject)).length, bumped.length);
  };
  before(async () => {
    server = await startGitServer({ users: { [USER]: TOKEN } });
    await Promise.all([createRepo('one'), createRepo('many')]);
  });
  after(() => server.stop());

  it("a bump that lands between the promotion's clone and its push: the push loses, is re-applied, both land", async () => {
    const real = defaultPromoteDeps({});
    let clones = 0;
    // The second clone is the target's: a bump of another image lands right after it, so the promotion's
    // push is rejected for certain and takes the push-race path (fetch, re-plan, push again, over HTTP).
    const deps = {
      ...real,
      clone: async (...args: Parameters<typeof real.clone>) => {
        const repo = await real.clone(...args);
        if (++clones === 2) assert.equal((await bump(server, 'one', TOKEN, { env: 'production', image: `${OTHERS[0]}:2.0.0` })).code, 0);
        return repo;
      },
    };
    const promoted = await runInMemory(promoteStep(deps), { repo: server.url('one'), token: TOKEN, to: 'production' });
    assert.equal(promoted.code, 0, promoted.error);
    assert.ok(
      promoted.logs.some((line) => /push rejected \(the branch moved\)/.test(line)),
      promoted.logs.join('\n'),
    );
    await landed('one', [OTHERS[0]!]);
    assert.equal(promoted.outputs['commit'], (await server.log('one', 'main'))[0]!.oid);
  });

  it('a promotion and six bumps started at once: every one lands, none is lost or undone', async () => {
    const promotion = runInMemory(promoteStep(defaultPromoteDeps({})), { repo: server.url('many'), token: TOKEN, to: 'production' });
    const bumps = OTHERS.map((name) => bump(server, 'many', TOKEN, { env: 'production', image: `${name}:2.0.0` }));
    const [promoted, ...bumped] = await Promise.all([promotion, ...bumps]);
    assert.equal(promoted!.code, 0, promoted!.error);
    for (const result of bumped) assert.equal(result.code, 0, result.error);
    await landed('many', OTHERS);
  });
});
