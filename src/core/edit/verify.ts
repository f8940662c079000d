import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { formatImageRef, type ImageRef } from '../image-ref.ts';
import { type LocatedFile, locateSites } from './locate.ts';
import { keyOf, type ParsedFile, type PathKey } from './parse.ts';
import type { Patch, Version } from './rewrite.ts';
import type { LocatedSite } from './site.ts';
import type { EditOptions } from './types.ts';

/**
 * The edited text failed the after-edit check: a bug in the editor, never the user's input. The
 * file must not be written.
 */
export class EditCheckError extends Error {
  override name = 'EditCheckError';
}

/**
 * Re-parses the edited text and re-locates its images. Throws an {@link EditCheckError} unless every
 * site holds what was planned (`expected`, by site; others what they held) and every scalar, alias and
 * collection of every document is what it was with the `patches` applied.
 */
export function verifyEdit(
  before: LocatedFile,
  afterText: string,
  expected: ReadonlyMap<LocatedSite, Version>,
  patches: readonly Patch[],
  options: Pick<EditOptions, 'policies' | 'policy'>,
): void {
  const { file } = before.parsed;
  let after: LocatedFile;
  try {
    after = locateSites(file, afterText, options);
  } catch (error) {
    throw new EditCheckError(`${file}: the edited text no longer parses (${String(error)}); nothing was written.`);
  }
  if (after.parsed.docs.length !== before.parsed.docs.length) fail(file, 'the number of documents changed');
  checkSites(file, before.sites, after.sites, expected);
  checkValues(file, before.parsed, after.parsed, patches);
}

function fail(file: string, why: string): never {
  throw new EditCheckError(`${file}: the edit did not check out: ${why}; nothing was written.`);
}

function checkSites(
  file: string,
  before: readonly LocatedSite[],
  after: readonly LocatedSite[],
  expected: ReadonlyMap<LocatedSite, Version>,
): void {
  if (before.length !== after.length) fail(file, `${before.length} image sites before the edit, ${after.length} after`);
  before.forEach((site, i) => {
    const now = after[i]!;
    const version = expected.get(site) ?? site.image;
    const want = formatImageRef(versioned(site.image, version));
    const got = formatImageRef(now.image);
    if (now.kind !== site.kind || got !== want) fail(file, `the site at line ${site.line} holds ${got}, expected ${want}`);
  });
}

function versioned(image: ImageRef, version: Version): ImageRef {
  const { registry, repository } = image;
  return {
    registry,
    repository,
    ...(version.tag === undefined ? {} : { tag: version.tag }),
    ...(version.digest === undefined ? {} : { digest: version.digest }),
  };
}

function checkValues(file: string, before: ParsedFile, after: ParsedFile, patches: readonly Patch[]): void {
  const want = snapshot(before);
  for (const patch of patches) {
    const key = JSON.stringify([patch.docIndex, ...patch.path]);
    if (patch.value === undefined) want.delete(key);
    else want.set(key, describe({ ...parseDescriptor(want.get(key)), type: 'string', value: patch.value }));
  }
  const got = snapshot(after);
  for (const [key, value] of got) if (want.get(key) !== value) fail(file, `the value at ${key} is ${value}, expected ${want.get(key)}`);
  for (const key of want.keys()) if (!got.has(key)) fail(file, `the value at ${key} is gone`);
}

interface Descriptor {
  readonly node: string;
  readonly anchor?: string | undefined;
  readonly tag?: string | undefined;
  readonly type?: string;
  readonly value?: string;
}

function describe(descriptor: Descriptor): string {
  return JSON.stringify(descriptor);
}

function parseDescriptor(text: string | undefined): Descriptor {
  // A value added by the edit has no descriptor yet: a plain string scalar without anchor or tag.
  return text === undefined ? { node: 'scalar' } : (JSON.parse(text) as Descriptor);
}

/** Every node of every document by path: kind, anchor, explicit tag, and a scalar's type and value. */
function snapshot(parsed: ParsedFile): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: unknown, path: readonly PathKey[]): void => {
    const key = JSON.stringify(path);
    if (isAlias(node)) out.set(key, describe({ node: 'alias', value: node.source }));
    else if (isScalar(node)) {
      const { anchor, tag } = node;
      out.set(key, describe({ node: 'scalar', anchor, tag, type: typeof node.value, value: String(node.value) }));
    } else if (isMap(node) || isSeq(node)) {
      const { anchor, tag } = node as Node & { anchor?: string; tag?: string };
      out.set(key, describe({ node: isMap(node) ? 'map' : 'seq', anchor, tag, ...(node.flow ? { type: 'flow' } : {}) }));
      if (isSeq(node)) for (const [i, item] of node.items.entries()) visit(item, [...path, i]);
      else for (const pair of node.items) if (isPair(pair)) visit(pair.value, [...path, keyOf(pair.key)]);
    } else if (node === null || node === undefined) {
      out.set(key, describe({ node: 'empty' }));
    }
  };
  for (const doc of parsed.docs) visit(doc.doc.contents, [doc.index]);
  return out;
}
