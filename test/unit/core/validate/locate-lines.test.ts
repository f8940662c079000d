/**
 * Positions found by reading lines must be the ones the `yaml` package's node tree gives, for every
 * pointer (values and keys) of every document the fast reader reads, over the repository's YAML
 * fixtures and the shapes manifests take; where the line reader is unsure it must say so (undefined).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { fastReadStream, YAML_READ_OPTIONS } from '../../../../src/core/validate/fast-yaml.ts';
import { locateByLines } from '../../../../src/core/validate/locate-lines.ts';

const SHAPES = `# a comment before
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # trailing comment
  labels: {app: api}
  annotations:
    note: "quoted value"
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/api:1.0
        args:
          - --flag
          -   --spaced
        env:
          - name: A
            value: |
              literal
              block
          -
            name: B
            value: '2'
        ports: [{containerPort: 80}, {name: "a,b", containerPort: 81, hostIP: 'it''s'}]
        resources: {requests: {cpu: lots, memory: 1Gi}, limits: {memory: [1, [2, 3]]}}
        volumeMounts:
          - {name: data, mountPath: /data, readOnly: true}
      volumes:
        - - nested
          - items
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
    data:
      key: value
`;

function pointers(value: unknown, base: string[] = []): string[][] {
  const out: string[][] = [base];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) out.push(...pointers(item, [...base, String(i)]));
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pointers(v, [...base, k]));
  return out;
}

/** What the node tree says: the node's start, or with `key` the key's start; undefined when the path is not all there. */
function fromTree(root: unknown, segments: readonly string[], key: boolean): number | undefined {
  let node = root as Node | null | undefined;
  for (let i = 0; i < segments.length; i++) {
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segments[i]);
      if (!pair) return undefined;
      if (last && key) return (pair.key as Node).range?.[0];
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      node = node.items[Number(segments[i])] as Node | undefined;
    } else return undefined;
  }
  return key ? undefined : node?.range?.[0];
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

test('line positions equal the yaml node tree for every pointer the line reader answers', async () => {
  const texts = [SHAPES];
  for (const file of await yamlFiles(join(import.meta.dirname, '../../../fixtures'))) texts.push(await readFile(file, 'utf8'));
  let answered = 0;
  let compared = 0;
  for (const text of texts) {
    const fast = fastReadStream(text);
    if (!fast) continue;
    const lineCounter = new LineCounter();
    const trees = parseAllDocuments(text, { ...YAML_READ_OPTIONS, lineCounter }) as unknown as Array<{ contents: unknown }>;
    fast.forEach((doc, d) => {
      const firstLine = text.slice(0, doc.start).split('\n').length;
      for (const segments of pointers(doc.value)) {
        for (const key of [false, true]) {
          if (segments.length === 0 && key) continue;
          const got = locateByLines(text, doc.start, doc.end, firstLine, segments, key);
          compared++;
          if (!got) continue;
          answered++;
          const offset = fromTree(trees[d]!.contents, segments, key);
          assert.ok(offset !== undefined, `${segments.join('/')} answered but not in the tree`);
          const want = lineCounter.linePos(offset);
          assert.deepEqual(
            [got.line, got.column],
            [want.line, want.col],
            `${segments.join('/')}${key ? ' (key)' : ''} in:\n${text.slice(doc.start, doc.start + 200)}`,
          );
        }
      }
    });
  }
  // The line reader must answer most of the time, or it saves nothing.
  assert.ok(answered > compared / 2, `${answered} of ${compared} answered`);
});

test('unsure places are left to yaml: a missing key, an empty value; one-line flow collections are read', () => {
  const text = 'metadata:\n  labels: {app: a}\n  empty:\nspec: 1\n';
  assert.equal(locateByLines(text, 0, text.length, 1, ['metadata', 'nope'], false), undefined);
  assert.deepEqual(locateByLines(text, 0, text.length, 1, ['metadata', 'labels', 'app'], false), { line: 2, column: 17 });
  assert.equal(locateByLines(text, 0, text.length, 1, ['metadata', 'labels', 'nope'], false), undefined);
  assert.equal(locateByLines(text, 0, text.length, 1, ['metadata', 'empty'], false), undefined);
  assert.deepEqual(locateByLines(text, 0, text.length, 1, ['metadata', 'empty'], true), { line: 3, column: 3 });
  assert.deepEqual(locateByLines(text, 0, text.length, 1, ['spec'], false), { line: 4, column: 7 });
});
