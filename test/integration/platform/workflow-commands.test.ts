import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type GitServer, startGitServer } from '../../helpers/git-server.ts';
import { runAction, workflowCommands } from '../../helpers/runner.ts';

const TOKEN = 'wf-command-token-77a1c';
const DEPLOYMENT = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: ` +
  `api\n          image: ghcr.io/acme/api:${tag}\n`;
/** File names an env repo may hold that would act as workflow commands if printed raw. */
const HOSTILE = [
  'envs/staging/x\n::error::pwned-newline.yaml',
  'envs/staging/y\r::set-output name=changed::pwned-cr.yaml',
  'envs/staging/##[error]pwned-legacy.yaml',
];
const FILES: Record<string, string> = {
  'baton.yaml': 'environments:\n  staging:\n    path: envs/staging\n',
  ...Object.fromEntries(HOSTILE.map((name) => [name, DEPLOYMENT('1.0.0')])),
};
/** What Baton itself means to say to the runner. */
const BATON_COMMANDS = new Set(['add-mask', 'group', 'endgroup', 'notice', 'warning', 'error', 'debug', 'stop-commands']);

describe('env-repo text on the GitHub log never acts as a workflow command', () => {
  let server: GitServer;
  before(async () => {
    server = await startGitServer({ users: { 'x-access-token': TOKEN } });
    await server.createRepo('env', FILES, { branch: 'main' });
  });
  after(() => server.stop());

  it('bump run as the runner runs an action, over files named with newlines, carriage returns and ##[', async () => {
    const run = await runAction('bump', { repo: server.url('env'), env: 'staging', image: 'ghcr.io/acme/api:1.1.0', token: TOKEN });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const output = run.stdout + run.stderr;
    for (const name of ['pwned-newline', 'pwned-cr', 'pwned-legacy'])
      assert.match(output, new RegExp(name), `the file ${name} is still shown`);
    const commands = workflowCommands(output);
    assert.deepEqual(
      commands.filter((c) => !BATON_COMMANDS.has(c.name) || /pwned/.test(c.line)),
      [],
      'only the commands Baton means',
    );
    assert.ok(
      commands.some((c) => c.name === 'stop-commands'),
      'the hostile lines were printed between stop-commands and its token',
    );
    assert.equal(run.outputs['changed'], 'true');
    assert.match(run.outputs['files']!, /##\[error\]pwned-legacy\.yaml/);
  });

  it('without the guard the same names would act: the check itself sees them', () => {
    const raw = HOSTILE.map((name) => `${name}:10: 1.0.0 -> 1.1.0`).join('\n');
    assert.deepEqual(
      workflowCommands(raw).map((c) => c.name),
      ['error', 'set-output', 'error'],
    );
  });
});
