import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEntry, ImageVersion } from '../../../../src/core/history/states.ts';
import { parseImageRef } from '../../../../src/core/image-ref.ts';
import { chooseRollback, parseRollbackTarget } from '../../../../src/core/rollback/plan.ts';

const API = 'ghcr.io/acme/api';
const WEB = 'ghcr.io/acme/web';
const D = (c: string) => `sha256:${c.repeat(64)}`;

function version(text: string, digest?: string): ImageVersion {
  const ref = parseImageRef(text);
  return {
    ref,
    ...(ref.digest || digest ? { digest: ref.digest ?? digest, digestFrom: ref.digest ? 'file' : 'verified' } : {}),
  } as ImageVersion;
}

function entry(commit: string, api: string, web = `${WEB}:2.0.0`, rollback = false, digest?: string): HistoryEntry {
  return {
    commit: commit.repeat(40).slice(0, 40),
    time: '2024-06-01T00:00:00Z',
    author: 'a',
    subject: commit,
    message: commit,
    images: new Map([
      [API, version(`${API}:${api}`, digest)],
      [WEB, version(web)],
    ]),
    changed: [],
    folded: [],
    problems: [],
    ...(rollback ? { rollback: { reason: 'r' } } : {}),
  };
}

describe('parseRollbackTarget', () => {
  const table: Array<[string, unknown]> = [
    ['', { kind: 'steps', steps: 1 }],
    ['previous', { kind: 'steps', steps: 1 }],
    ['3', { kind: 'steps', steps: 3 }],
    [D('a'), { kind: 'digest', digest: D('a') }],
    ['abc1234', { kind: 'commit', commit: 'abc1234' }],
    ['commit:abc1234', { kind: 'commit', commit: 'abc1234' }],
    ['1.4.1', { kind: 'tag', tag: '1.4.1' }],
    ['tag:20240601', { kind: 'tag', tag: '20240601' }],
    ['tag:cafe123', { kind: 'tag', tag: 'cafe123' }],
  ];
  for (const [text, expected] of table) it(`"${text}"`, () => assert.deepEqual(parseRollbackTarget(text), expected));
  it('refuses what is none of them, naming to', () => {
    assert.throws(() => parseRollbackTarget('0'), /^UserError: to: "0" steps back must be between 1 and 1000/);
    assert.throws(() => parseRollbackTarget('sha256:xyz'), /to/);
    assert.throws(() => parseRollbackTarget('commit:zz'), /to: "commit:zz" is not a commit id/);
    assert.throws(() => parseRollbackTarget('a b'), /to: "a b" is neither previous/);
  });
});

describe('chooseRollback', () => {
  // Newest first: a rollback to 1.1 left 1.2 (abandoned); before that 1.1, 1.0.
  const history = [
    entry('e', '1.1.0', undefined, true),
    entry('d', '1.2.0'),
    entry('c', '1.1.0'),
    entry('b', '1.0.0', undefined, false, D('b')),
    entry('a', '0.9.0'),
  ];

  it('previous skips the abandoned state and states equal to now', () => {
    const choice = chooseRollback(history, { kind: 'steps', steps: 1 }, []);
    assert.equal(choice.entry.subject, 'b');
    assert.deepEqual(
      choice.writes.map((w) => [w.ref.tag, w.pin, w.from.tag]),
      [['1.0.0', 'tag', '1.1.0']],
    );
  });

  it('n steps back counts distinct states', () => {
    assert.equal(chooseRollback(history, { kind: 'steps', steps: 2 }, []).entry.subject, 'a');
    assert.throws(
      () => chooseRollback(history, { kind: 'steps', steps: 3 }, []),
      /to: 3 steps back is not in this environment's history \(5 state\(s\) read/,
    );
  });

  it('a tag reaches abandoned states too (roll forward); only images holding the tag move', () => {
    const choice = chooseRollback(history, { kind: 'tag', tag: '1.2.0' }, []);
    assert.equal(choice.entry.subject, 'd');
    assert.deepEqual(
      choice.writes.map((w) => w.ref.repository),
      ['acme/api'],
    );
  });

  it('a digest known from verification is pinned when written back', () => {
    const choice = chooseRollback(history, { kind: 'digest', digest: D('b') }, []);
    assert.deepEqual(
      choice.writes.map((w) => [w.ref.tag, w.ref.digest, w.pin]),
      [['1.0.0', D('b'), 'tag+digest']],
    );
  });

  it('a commit, by prefix; the image filter limits what moves', () => {
    const many = [entry('f', '2.0.0', `${WEB}:3.0.0`), ...history];
    const choice = chooseRollback(many, { kind: 'commit', commit: 'aaaaaaa' }, [WEB]);
    assert.equal(choice.entry.subject, 'a');
    assert.deepEqual(
      choice.writes.map((w) => `${w.ref.repository}:${w.ref.tag}`),
      ['acme/web:2.0.0'],
    );
    assert.throws(
      () => chooseRollback(many, { kind: 'commit', commit: '1234567' }, []),
      /to: commit 1234567 is not in this environment's history/,
    );
    assert.throws(
      () => chooseRollback(many, { kind: 'steps', steps: 1 }, ['ghcr.io/acme/nope']),
      /^UserError: image: ghcr\.io\/acme\/nope is not in this environment/,
    );
  });
});
