/**
 * Verify's wait as the command line shows it: on a terminal (a pseudo-terminal from script(1)) one line
 * that each status overwrites; in a log (a pipe) one plain line per status. The test server answers with
 * a new version on each of its first requests, so each poll is a new status; nothing depends on time.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = join(import.meta.dirname, '../../..');

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('progress of verify on a terminal and in a log', () => {
  let server: Server;
  let requests = 0;
  let url: string;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (/^(CI|GITHUB_.*|GITLAB_.*|BATON_.*)$/.test(name)) delete env[name];

  before(async () => {
    server = createServer((_, res) => {
      requests += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: requests % 4 === 0 ? '1.0' : `0.${requests}` }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());

  const args = () => [
    join(root, 'src/entry/cli.ts'),
    'verify',
    '--provider',
    'http',
    '--url',
    url,
    '--expect-json',
    'version=1.0',
    '--interval',
    '100ms',
    '--timeout',
    '60s',
  ];

  it('on a terminal: the statuses overwrite one line, then the result', async () => {
    requests = 0;
    const command = [process.execPath, ...args()].map((a) => `'${a}'`).join(' ');
    const { code, out } = await run('script', ['-qec', command, '/dev/null'], env);
    assert.equal(code, 0, out);
    const waiting = out.slice(out.indexOf('== Waiting'), out.indexOf('status=healthy'));
    const statuses = waiting.split('\r').filter((part) => /^\[\d+m?\d*s\] /.test(part));
    assert.ok(statuses.length >= 3, `each poll a status: ${JSON.stringify(waiting)}`);
    assert.equal(waiting.split('\n').filter((line) => /\[\d+m?\d*s\] /.test(line)).length, 1, 'every status on the one line');
    assert.ok(!out.includes('\x1b'), 'no ANSI codes');
  });

  it('in a log: each status is a plain line', async () => {
    requests = 0;
    const { code, out } = await run(process.execPath, args(), env);
    assert.equal(code, 0, out);
    assert.ok(!out.includes('\r'));
    assert.ok(out.split('\n').filter((line) => /^\[\d+m?\d*s\] .*0\.\d/.test(line)).length >= 3, out);
  });
});
