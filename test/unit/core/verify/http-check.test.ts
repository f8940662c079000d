/** The http provider's rules and the parsing of its expectations. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../../src/core/errors.ts';
import { assessAnswer, checkStatusCode, jsonPathValue, parseExpectations } from '../../../../src/core/verify/http-check.ts';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

test('JSON paths: dotted, $-rooted, indexed', () => {
  const doc = { version: '1.4.2', build: { tag: 'v1' }, items: [{ tag: 'a' }, { tag: 'b' }], n: 3 };
  assert.equal(jsonPathValue(doc, 'version'), '1.4.2');
  assert.equal(jsonPathValue(doc, '$.build.tag'), 'v1');
  assert.equal(jsonPathValue(doc, 'items[1].tag'), 'b');
  assert.equal(jsonPathValue(doc, 'items.0.tag'), 'a');
  assert.equal(jsonPathValue(doc, 'missing.x'), undefined);
});

test('all expectations met is healthy; each miss is named', () => {
  const expect = {
    status: 200,
    json: parseExpectations(['version=1.4.2', 'n=3'], 'expect-json'),
    headers: parseExpectations(['X-Version=1.4.2'], 'expect-header'),
  };
  assert.equal(assessAnswer('u', answer(200, { version: '1.4.2', n: 3 }, { 'x-version': '1.4.2' }), expect).outcome, 'healthy');
  const miss = assessAnswer('u', answer(200, { version: '1.4.1', n: 3 }, { 'x-version': '1.4.1' }), expect);
  assert.equal(miss.outcome, 'progressing');
  assert.match(miss.message, /header X-Version is "1.4.1" \(expected "1.4.2"\); version is "1.4.1" \(expected "1.4.2"\)/);
});

test('a wrong status or a non-JSON body is "not yet", never a failure', () => {
  const expect = { json: [{ key: 'version', value: '2' }], headers: [] };
  assert.match(assessAnswer('u', answer(502, '<html>Bad Gateway</html>'), expect).message, /status 502 \(expected 2xx\)/);
  assert.match(assessAnswer('u', answer(200, '<html>old</html>'), expect).message, /not JSON/);
});

test('bad expectations are user errors naming the input', () => {
  assert.throws(
    () => parseExpectations(['version'], 'expect-json'),
    (e: unknown) => e instanceof UserError && e.input === 'expect-json',
  );
  assert.throws(
    () => parseExpectations(['=x'], 'expect-header'),
    (e: unknown) => e instanceof UserError && e.input === 'expect-header',
  );
  assert.throws(
    () => checkStatusCode(99),
    (e: unknown) => e instanceof UserError && e.input === 'expect-status',
  );
  assert.throws(() => checkStatusCode(200.5), UserError);
  assert.equal(checkStatusCode(204), 204);
});
