/**
 * The fast reader against `yaml`: whenever it reads a stream, it must give exactly what `yaml` gives
 * (values, document count, where each document starts); otherwise it must hand the stream back.
 * Inputs: every YAML and JSON fixture in the repo (the editor's golden files hold many odd shapes),
 * the benchmark corpus, and tricky cases.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LineCounter, parseAllDocuments } from 'yaml';
import { parseStream } from '../../../../src/core/validate/documents.ts';
import { fastReadStream, YAML_READ_OPTIONS } from '../../../../src/core/validate/fast-yaml.ts';

function slowRead(text: string) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...YAML_READ_OPTIONS, lineCounter, uniqueKeys: true });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => ({
    value: d.toJS({ maxAliasCount: 100 }) ?? null,
    line: d.contents?.range ? lineCounter.linePos(d.contents.range[0]).line : undefined,
  }));
}

/** Asserts agreement; returns true when the fast reader took the stream. */
function agree(text: string, name: string): boolean {
  const fast = fastReadStream(text);
  if (!fast) return false;
  const slow = slowRead(text);
  assert.ok(slow, `${name}: the fast reader accepted a stream yaml rejects`);
  assert.equal(fast.length, slow.length, `${name}: document count`);
  fast.forEach((doc, i) => {
    assert.deepEqual(doc.value, slow[i]!.value, `${name}: document ${i + 1}`);
    if (doc.value !== null && slow[i]!.line !== undefined) assert.equal(doc.line, slow[i]!.line, `${name}: document ${i + 1} start line`);
  });
  return true;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ya?ml|json)$/.test(name) ? [full] : [];
  });
}

const TRICKY: Record<string, string> = {
  'booleans and nulls (YAML 1.1)': 'a: yes\nb: off\nc: ~\nd:\ne: Null\nf: "yes"\ng: y\nn: 1\n',
  numbers: 'a: 0777\nb: 0x1F\nc: 1_000\nd: 1:20\ne: .inf\nf: -0\ng: 1e3\nh: 3.14\ni: +12\nj: 012345678901234567\n',
  'words that look like numbers to yaml': 'a: e10\nb: E+3\nc: e5x\nd: registry.example.com/a:1.2\ne: yes please\nf: nULL\ng: tRUE\nh: _1\n',
  'timestamps stay strings': 'a: 2024-01-01T00:00:00Z\nb: 2024-01-01\n',
  'quotes and escapes': 'a: "x\\ty\\n\\u00e9 \\"q\\""\nb: \'it\'\'s\'\nc: "#not a comment" # a comment\n\'d e\': 1\n',
  'flow collections': 'a: {x: 1, y: [a, "b,c", {z: null}]}\nb: []\nc: {}\nd: [http://x/y, a:b]\n',
  'literal block scalars':
    'a: |\n  line 1\n\n    indented\n  line 3\nb: |-\n  no newline\nc: |+\n  keep\n\nd: x\ne: |\n  # not a comment\n',
  'folded scalars go to yaml': 'a: >\n  folded\n  text\n',
  'anchors go to yaml': 'a: &x {b: 1}\nc: *x\n',
  'merge keys go to yaml': 'base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n',
  'multi-line plain scalars go to yaml': 'a: one\n  two\n',
  sequences: 'a:\n- 1\n- two\n-\n  - nested\nb:\n  - name: x\n    env:\n      - {name: A, value: "1"}\n  - - deep\n    - er\n',
  documents: '---\n# Source: chart/templates/a.yaml\na: 1\n---\n---\n# only a comment\n---\nb: 2\n',
  'document end markers go to yaml': 'a: 1\n...\n---\nb: 2\n',
  'trailing marker': 'a: 1\n---\n',
  'comment lines and blank lines': '# head\n\na: 1 # tail\n\n# mid\nb:\n  # inside\n  c: 2\n',
  'duplicate keys go to yaml': 'a: 1\na: 2\n',
  CRLF: 'a: 1\r\nb:\r\n  - x\r\n',
  'keys that are not words': '"a b": 1\n80: http\ntrue: x\napp.kubernetes.io/name: y\n',
  'a scalar document': 'hello\n',
  'a list document': '- a\n- b\n',
  'tabs go to yaml': 'a:\n\tb: 1\n',
  'indentation errors go to yaml': 'a:\n  b: 1\n c: 2\n',
  'colons in values go to yaml': 'a: b: c\n',
  json: '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1", "b": [1, 2.5, true, null]}}\n',
};

describe('fast YAML reader', () => {
  for (const [name, text] of Object.entries(TRICKY)) {
    test(`agrees with yaml or steps aside: ${name}`, () => {
      agree(text, name);
    });
  }

  test('takes the common shapes itself', () => {
    for (const name of [
      'booleans and nulls (YAML 1.1)',
      'numbers',
      'quotes and escapes',
      'flow collections',
      'literal block scalars',
      'sequences',
      'documents',
      'CRLF',
      'json',
    ]) {
      assert.ok(fastReadStream(TRICKY[name]!), name);
    }
    for (const name of [
      'folded scalars go to yaml',
      'anchors go to yaml',
      'merge keys go to yaml',
      'multi-line plain scalars go to yaml',
      'duplicate keys go to yaml',
      'tabs go to yaml',
      'indentation errors go to yaml',
      'colons in values go to yaml',
    ]) {
      assert.equal(fastReadStream(TRICKY[name]!), undefined, name);
    }
  });

  test('agrees on every YAML and JSON fixture in the repository', () => {
    const root = join(import.meta.dirname, '../../../fixtures');
    let fast = 0;
    const all = files(root);
    for (const file of all) if (agree(readFileSync(file, 'utf8'), file)) fast++;
    assert.ok(fast > all.length / 2, `${fast} of ${all.length} fixtures took the fast path`);
  });

  test('positions of fast-read documents come from yaml on demand', () => {
    const text =
      '# lead\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\napiVersion: v1\nkind: ' +
      'ConfigMap\nmetadata: {name: b}\ndata:\n  key: 3\n';
    const stream = parseStream(text, 'x.yaml', { strict: true });
    assert.deepEqual(stream.findings, []);
    assert.deepEqual(stream.documents[1]!.start, { line: 10, column: 1 });
    assert.deepEqual(stream.documents[1]!.locate('/data/key'), { line: 14, column: 8 });
    assert.deepEqual(stream.documents[1]!.locate('/data/key', { key: true }), { line: 14, column: 3 });
    assert.deepEqual(stream.documents[0]!.locate('/metadata/name'), { line: 6, column: 9 });
  });
});
