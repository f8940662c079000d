/**
 * Adding a kustomize `images:` entry to an environment's kustomization for an image that only its
 * bases use, as `kustomize edit set image` (and Kargo's `kustomize-set-image`) do: an overlay that has
 * never overridden the image gets its first entry instead of a "not found". Only the new lines are
 * added; every other byte stays.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLSeq } from 'yaml';
import { UserError } from '../errors.ts';
import { formatImageRef, type ImageRef, imageName } from '../image-ref.ts';
import { locateSites } from './locate.ts';
import { isKustomization } from './locate-kustomize.ts';
import { findPair } from './nodes.ts';
import { parseFile, textPosition } from './parse.ts';
import { renderScalar } from './scalar-write.ts';
import { lineStart } from './splice.ts';
import type { EditOptions, FileEdit, Pin, ValueChange } from './types.ts';

const NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The file names kustomize reads a kustomization from, in its order. */
export const KUSTOMIZATION_NAMES: readonly string[] = NAMES;

/**
 * The local bases of a kustomization, as repo paths: `resources` and `components` entries that are
 * relative paths inside the repo (remote URLs and paths leaving the repo are left out). Unparsable
 * text gives none.
 */
export function kustomizationBases(file: string, text: string): string[] {
  let root: unknown;
  try {
    root = parseFile(file, text).docs[0]?.doc.contents;
  } catch {
    return [];
  }
  if (!isMap(root)) return [];
  const dir = file.split('/').slice(0, -1);
  const entries = ['resources', 'components'].flatMap((key) => {
    const list = findPair(root, key)?.value;
    return isSeq(list) ? list.items.map((item) => (isScalar(item) && typeof item.value === 'string' ? item.value : '')) : [];
  });
  const bases: string[] = [];
  for (const entry of entries) {
    if (entry === '' || /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(entry) || entry.startsWith('/')) continue;
    const parts = [...dir];
    let inside = true;
    for (const part of entry.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') inside = parts.pop() !== undefined && inside;
      else parts.push(part);
    }
    if (inside && parts.length > 0) bases.push(parts.join('/'));
  }
  return bases;
}

/** The environment's own kustomization: the first of kustomize's file names directly under `root`. */
export function rootKustomization(files: ReadonlyMap<string, string>, root: string): string | undefined {
  const prefix = root === '.' || root === '' ? '' : `${root.replace(/\/$/, '')}/`;
  return NAMES.map((name) => prefix + name).find((file) => files.has(file));
}

/**
 * The kustomization's text with an `images:` entry for `image` added (after the last entry, or as a new
 * `images:` list at the end), written as `name` (the name the bases use) with the fields `pin` asks
 * for. Checked by re-reading: the new entry holds the image and every other site holds what it held.
 * Throws a {@link UserError} when the list cannot take a line (a flow list, an `images:` that is not a list).
 */
export function addImageEntry(
  file: string,
  text: string,
  name: string,
  image: ImageRef,
  pin: Pin,
  options: Pick<EditOptions, 'policies'>,
): FileEdit {
  const parsed = parseFile(file, text);
  const root = parsed.docs[0]?.doc.contents;
  if (parsed.docs.length !== 1 || !isMap(root) || !isKustomization(file, root))
    throw cannot(file, 'it is not a single kustomization document');
  const fields: Array<[string, string]> = [['name', name]];
  if (pin !== 'digest' && image.tag !== undefined) fields.push(['newTag', image.tag]);
  if (pin !== 'tag' && image.digest !== undefined) fields.push(['digest', image.digest]);
  const images = findPair(root, 'images');
  const eol = parsed.eol;
  let start: number;
  let insert: string;
  if (images === undefined) {
    // A new list at the end, in `kustomize edit`'s layout: `images:` then `- name: …` at the same indent.
    start = text.length;
    const lead = text === '' || text.endsWith('\n') ? '' : eol;
    insert = `${lead}images:${eol}${entryLines(fields, '', eol)}`;
  } else {
    const list = images.value;
    if (!isSeq(list) || list.flow === true || list.items.length === 0) throw cannot(file, 'its `images:` is not a block list');
    const last = list.items.at(-1) as Node;
    const dash = dashIndent(text, list);
    const end = last.range?.[2] ?? last.range?.[1] ?? text.length;
    const lineEnd = text.indexOf('\n', end - 1 < 0 ? 0 : end - 1);
    start = lineEnd < 0 ? text.length : lineEnd + 1;
    insert = `${lineEnd < 0 ? eol : ''}${entryLines(fields, dash, eol)}`;
  }
  const after = text.slice(0, start) + insert + text.slice(start);
  check(file, text, after, image, pin, options);
  const { line, column } = textPosition(after, start + insert.indexOf('name:'));
  const change: ValueChange = {
    file,
    line,
    column,
    kind: 'kustomize',
    image: imageName(image),
    field: 'images',
    old: undefined,
    new:
      fields
        .slice(1)
        .map(([, value]) => value)
        .join('@') || name,
    oldTag: undefined,
    newTag: pin === 'digest' ? undefined : image.tag,
    oldDigest: undefined,
    newDigest: pin === 'tag' ? undefined : image.digest,
  };
  return { file, before: text, after, changes: [change] };
}

function entryLines(fields: ReadonlyArray<readonly [string, string]>, dash: string, eol: string): string {
  return fields
    .map(([key, value], i) => `${i === 0 ? `${dash}- ` : `${dash}  `}${key}: ${renderScalar(value, 'PLAIN', false)}${eol}`)
    .join('');
}

/** The indentation before the `-` of the list's entries. */
function dashIndent(text: string, list: YAMLSeq): string {
  const first = list.items[0] as Node;
  const at = first.range?.[0] ?? 0;
  const start = lineStart(text, at);
  const dash = text.lastIndexOf('-', at);
  return text.slice(start, dash >= start ? dash : start).replace(/[^\t]/g, ' ');
}

function check(file: string, before: string, after: string, image: ImageRef, pin: Pin, options: Pick<EditOptions, 'policies'>): void {
  const was = locateSites(file, before, options).sites.map((site) => formatImageRef(site.image));
  let now: string[];
  try {
    now = locateSites(file, after, options).sites.map((site) => formatImageRef(site.image));
  } catch (error) {
    throw new Error(`${file}: the added images entry does not parse (${String(error)}); nothing was written.`);
  }
  const want: ImageRef = {
    registry: image.registry,
    repository: image.repository,
    ...(pin !== 'digest' && image.tag ? { tag: image.tag } : {}),
    ...(pin !== 'tag' && image.digest ? { digest: image.digest } : {}),
  };
  const expected = [...was, formatImageRef(want)].sort();
  if (JSON.stringify([...now].sort()) !== JSON.stringify(expected)) {
    throw new Error(
      `${file}: after adding an images entry the sites are ${now.join(', ')}, expected ${expected.join(', ')}; nothing was written.`,
    );
  }
}

function cannot(file: string, why: string): UserError {
  return new UserError(
    `${file}: the image is used only by the bases, and Baton would add an images entry here, but ${why}; add the entry by hand once.`,
    {
      input: file,
    },
  );
}
