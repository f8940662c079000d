/** verify with provider http: poll a URL until it answers with the expected status, JSON and header. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type JsonServer, startJsonServer } from '../../helpers/forge-http.ts';
import { manualClock } from '../../helpers/kube-api.ts';
import { runVerifyStep, testDeps } from '../../helpers/verify-harness.ts';

const clock = manualClock();
let version = '1.4.1';
let server: JsonServer;
before(async () => {
  server = await startJsonServer(() => ({ status: 200, body: { build: { version } }, headers: { 'x-version': version } }));
});
after(() => server.stop());

test('waits for the new version, through a 502 while the pods turn over', async () => {
  version = '1.4.1';
  server.fail({ path: '/version', status: 502 });
  clock.after(20_000, () => {
    version = '1.4.2';
  });
  const start = clock.now();
  const run = await runVerifyStep(
    {
      provider: 'http',
      url: `${server.origin}/version`,
      'expect-status': '200',
      'expect-json': '$.build.version=1.4.2',
      'expect-header': 'X-Version=1.4.2',
    },
    testDeps(clock),
  );
  assert.equal(run.code, 0, run.message);
  assert.ok(clock.now() - start >= 20_000);
  assert.ok(run.logs.some((l) => /status 502 \(expected 200\)/.test(l)));
  assert.ok(run.logs.some((l) => /build.version is "1.4.1" \(expected "1.4.2"\)/.test(l)));
});

test('never the expected version: timeout with what it last answered', async () => {
  version = '1.4.1';
  const run = await runVerifyStep(
    { provider: 'http', url: `${server.origin}/version`, 'expect-json': 'build.version=9.9.9', timeout: '20s' },
    testDeps(clock),
  );
  assert.equal(run.code, 1);
  assert.match(run.result?.outputs['reason'] ?? '', /^timed out after 20s: .*build.version is "1.4.1" \(expected "9.9.9"\)/);
});

test('a URL nobody answers is "not yet" until the timeout', async () => {
  const run = await runVerifyStep({ provider: 'http', url: 'http://127.0.0.1:9/health', timeout: '10s' }, testDeps(clock));
  assert.equal(run.code, 1);
  assert.equal(run.result?.outputs['status'], 'timeout');
  assert.match(run.result?.outputs['reason'] ?? '', /fetch failed|ECONNREFUSED/);
});
