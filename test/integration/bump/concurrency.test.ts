import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';

const TOKEN = 'bump-race-token-0c7d2';
const CLI = join(import.meta.dirname, '../../../dist/cli/index.cjs');
const IMAGES = Array.from({ length: 20 }, (_, i) => `registry.example.com/team/svc-${String(i).padStart(2, '0')}`);

function kustomization(): string {
  const entries = IMAGES.map((name) => `  - name: ${name}\n    newTag: 1.0.0`).join('\n');
  return `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n${entries}\n  - name: registry.example.com/team/api\n    newTag: 1.0.0\n`;
}

/** Runs `baton bump` as its own process, the way twenty CI jobs would. */
function bump(repo: string, image: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'bump', '--repo', repo, '--path', 'envs/staging', '--image', image, '--json'], {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], BATON_TOKEN: TOKEN },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function tags(text: string): Map<string, string> {
  const doc = parse(text) as { images: Array<{ name: string; newTag: string }> };
  return new Map(doc.images.map((entry) => [entry.name, String(entry.newTag)]));
}

describe('concurrent bumps of one branch', () => {
  let server: GitServer;
  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo('env', { 'envs/staging/kustomization.yaml': kustomization() }, { branch: 'main' });
  });
  after(() => server.stop());

  it('20 bumps of different images and 3 racing bumps of one image all land, and nothing is downgraded', async () => {
    const racing = ['1.2.0', '1.3.0', '1.1.0'].map((tag) => `registry.example.com/team/api:${tag}`);
    const jobs = [...IMAGES.map((name, i) => `${name}:2.0.${i}`), ...racing];
    const results = await Promise.all(jobs.map((image) => bump(server.url('env'), image)));
    for (const [i, result] of results.entries()) assert.equal(result.code, 0, `${jobs[i]}: ${result.stderr}`);

    const final = tags((await server.readFile('env', 'main', 'envs/staging/kustomization.yaml'))!);
    for (const [i, name] of IMAGES.entries()) assert.equal(final.get(name), `2.0.${i}`, name);
    assert.equal(final.get('registry.example.com/team/api'), '1.3.0');

    const log = await server.log('env', 'main');
    const changed = results.filter((r) => JSON.parse(r.stdout).changed === 'true').length;
    assert.equal(log.length, 1 + changed, 'one commit per bump that changed something, no empty commits');
    assert.ok(changed >= 21, `every distinct image landed (${changed} commits)`);
    // Walk the history oldest first: the api tag never goes down.
    const apiHistory = log
      .slice()
      .reverse()
      .filter((entry) => entry.subject.includes('team/api'))
      .map((entry) => /to (\S+)$/.exec(entry.subject)![1]!);
    const sorted = [...apiHistory].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    assert.deepEqual(apiHistory, sorted, `api went ${apiHistory.join(' → ')}`);
    const queued = results.filter((r) => /push lost a race; queued as/.test(r.stderr)).length;
    assert.ok(queued > 0, 'some bumps lost the race and went through the queue');
    const leftovers = execFileSync('git', ['-C', join(server.root, 'env.git'), 'for-each-ref', 'refs/baton'], { encoding: 'utf8' });
    assert.equal(leftovers, '', 'every queue and done ref was consumed');
    for (const result of results) assert.doesNotMatch(result.stderr + result.stdout, new RegExp(TOKEN));
  });
});
