/**
 * A reproducible POSIX tar writer for image layers: ustar headers with fixed owner names, the given
 * mtime and mode, and PAX extended headers only where ustar cannot hold a value (long or non-ASCII
 * names, big sizes or ids). The same entries always give the same bytes.
 *
 * Why not a tar library: the bytes must not depend on the library's defaults (uname, mtime, PAX
 * atime/ctime records), and the layer writer needs nothing else.
 */
import type { Readable } from 'node:stream';

/** One tar entry; directories end without `/` here, the writer adds it. */
export interface TarEntry {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly size: number;
  readonly linkname?: string;
  /** The content of a file: opened when the writer reaches it. */
  readonly open?: () => Readable;
}

const BLOCK = 512;
const TYPE_FLAG = { file: '0', dir: '5', symlink: '2' } as const;
const MAX_OCTAL_11 = 0o77777777777;
const MAX_OCTAL_7 = 0o7777777;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function fits(text: string, bytes: number): boolean {
  return Buffer.byteLength(text) <= bytes && /^[\x20-\x7e]*$/.test(text);
}

/** PAX records (`<len> key=value\n`), the length counting itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

function header(
  name: string,
  type: string,
  fields: { mode: number; uid: number; gid: number; size: number; mtime: number; linkname?: string },
): Buffer {
  const block = Buffer.alloc(BLOCK);
  const put = (text: string, offset: number, length: number) => block.write(text, offset, length, 'utf8');
  put(name.slice(0, 100), 0, 100);
  put(octal(fields.mode & 0o7777, 8), 100, 8);
  put(octal(Math.min(fields.uid, MAX_OCTAL_7), 8), 108, 8);
  put(octal(Math.min(fields.gid, MAX_OCTAL_7), 8), 116, 8);
  put(octal(Math.min(fields.size, MAX_OCTAL_11), 12), 124, 12);
  put(octal(Math.max(0, Math.min(fields.mtime, MAX_OCTAL_11)), 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put((fields.linkname ?? '').slice(0, 100), 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(octal(0, 8), 329, 8);
  put(octal(0, 8), 337, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The PAX header block(s) an entry needs, or none. */
function paxHeader(entry: TarEntry, name: string): Buffer[] {
  const records: string[] = [];
  if (entry.gid > MAX_OCTAL_7) records.push(paxRecord('gid', String(entry.gid)));
  if (entry.linkname !== undefined && !fits(entry.linkname, 100)) records.push(paxRecord('linkpath', entry.linkname));
  if (!fits(name, 100)) records.push(paxRecord('path', name));
  if (entry.size > MAX_OCTAL_11) records.push(paxRecord('size', String(entry.size)));
  if (entry.uid > MAX_OCTAL_7) records.push(paxRecord('uid', String(entry.uid)));
  if (records.length === 0) return [];
  const body = Buffer.from(records.join(''));
  const paxName = `PaxHeaders/${name.replace(/[^\x20-\x7e]/g, '_')}`.slice(0, 100);
  return [header(paxName, 'x', { mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: entry.mtime }), body, padding(body.length)];
}

/** The tar bytes of the entries, in order, ending with two zero blocks. */
export async function* tarStream(entries: Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const name = entry.type === 'dir' ? `${entry.name.replace(/\/$/, '')}/` : entry.name;
    const size = entry.type === 'file' ? entry.size : 0;
    yield* paxHeader({ ...entry, size }, name);
    yield header(name, TYPE_FLAG[entry.type], { ...entry, size });
    if (entry.type !== 'file' || size === 0) continue;
    let written = 0;
    for await (const chunk of entry.open!()) {
      const bytes = chunk as Buffer;
      written += bytes.length;
      if (written > size) throw new Error(`${entry.name} grew while the layer was written; build again.`);
      yield bytes;
    }
    if (written !== size) throw new Error(`${entry.name} changed size while the layer was written; build again.`);
    yield padding(size);
  }
  yield Buffer.alloc(BLOCK * 2);
}
