import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { type TarEntry, tarStream } from '../../../../src/adapters/builders/layer-tar.ts';

async function tar(entries: TarEntry[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of tarStream(entries)) parts.push(chunk);
  return Buffer.concat(parts);
}

const file = (name: string, text: string, extra: Partial<TarEntry> = {}): TarEntry => ({
  name,
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtime: 1700000000,
  size: Buffer.byteLength(text),
  open: () => Readable.from([Buffer.from(text)]),
  ...extra,
});

describe('tarStream', () => {
  const long = `${'deep/'.repeat(30)}file-é.txt`;
  const entries: TarEntry[] = [
    { name: 'app', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1700000000, size: 0 },
    file('app/hello.txt', 'hello\n'),
    file('app/run.sh', '#!/bin/sh\n', { mode: 0o755, uid: 65532, gid: 65532 }),
    { name: 'app/link', type: 'symlink', linkname: 'hello.txt', mode: 0o777, uid: 0, gid: 0, mtime: 1700000000, size: 0 },
    file(long, 'long name'),
    file('big-ids', '', { uid: 3_000_000, gid: 3_000_001 }),
  ];

  it('gives the same bytes every time', async () => {
    assert.ok((await tar(entries)).equals(await tar(entries)));
  });

  it('is read back by GNU tar with names, modes, owners, times and links intact (PAX where ustar cannot)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-tar-'));
    try {
      await writeFile(join(dir, 'layer.tar'), await tar(entries));
      const listing = spawnSync('tar', ['--numeric-owner', '--utc', '-tvf', join(dir, 'layer.tar')], { encoding: 'utf8' });
      assert.equal(listing.status, 0, listing.stderr);
      const lines = listing.stdout.trim().split('\n');
      assert.match(lines[0]!, /^drwxr-xr-x 0\/0 +0 2023-11-14 22:13 app\/$/);
      assert.match(lines[1]!, /^-rw-r--r-- 0\/0 +6 2023-11-14 22:13 app\/hello\.txt$/);
      assert.match(lines[2]!, /^-rwxr-xr-x 65532\/65532 +10 2023-11-14 22:13 app\/run\.sh$/);
      assert.match(lines[3]!, /^lrwxrwxrwx 0\/0 +0 2023-11-14 22:13 app\/link -> hello\.txt$/);
      assert.ok(lines[4]!.endsWith(long), lines[4]);
      assert.match(lines[5]!, /3000000\/3000001/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails when a file changes size while it is written', async () => {
    await assert.rejects(tar([file('a', 'abc', { size: 10 })]), /changed size while the layer was written/);
  });
});
