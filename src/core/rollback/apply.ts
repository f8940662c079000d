/**
 * The rollback edit: write each image back to its earlier version with the byte-exact editor (what the
 * file held then: tag, digest or both), then leave a hold above every place the image is written, and
 * check the result. Pure: files in, an edit plan out.
 */
import { locateImages, planEdits } from '../edit/index.ts';
import type { EditPlan, FileEdit, ImageSite, ValueChange } from '../edit/types.ts';
import { UserError } from '../errors.ts';
import { familiarName, imageName, parseImageRef } from '../image-ref.ts';
import { findHolds, type Hold, type HoldPlace, isJsonFile, placeHolds } from './holds.ts';
import type { RollbackWrite } from './plan.ts';

/** Options of {@link planRollback}. */
export interface RollbackEditOptions {
  readonly policies: Readonly<Record<string, string>>;
  /** The environment path, for messages. */
  readonly root: string;
  /** The hold to leave for an image (canonical name); none when undefined. */
  readonly hold?: (image: string) => Hold;
}

/** The rollback's edits, and the images it holds. */
export interface RollbackPlan extends EditPlan {
  readonly held: readonly string[];
}

/**
 * Plans writing the versions back (grouped by what the file held, since the editor takes one pin per
 * run) and placing the holds. Throws a {@link UserError} when an image to hold is written only in JSON.
 */
export function planRollback(
  files: ReadonlyMap<string, string>,
  writes: readonly RollbackWrite[],
  options: RollbackEditOptions,
): RollbackPlan {
  const texts = new Map(files);
  const changes = new Map<string, ValueChange[]>();
  const sites = new Map<string, readonly ImageSite[]>();
  for (const pin of ['tag', 'digest', 'tag+digest'] as const) {
    const group = writes.filter((w) => w.pin === pin).map((w) => w.ref);
    if (group.length === 0) continue;
    const plan = planEdits(texts, group, { pin, allowDowngrade: true, policies: options.policies, root: options.root });
    for (const [name, found] of plan.sites) sites.set(name, found);
    for (const edit of plan.edits) {
      texts.set(edit.file, edit.after);
      changes.set(edit.file, [...(changes.get(edit.file) ?? []), ...edit.changes]);
    }
  }
  const held = options.hold && writes.length > 0 ? holdAll(texts, writes, options) : [];
  const edits: FileEdit[] = [...texts]
    .filter(([file, text]) => text !== files.get(file))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, after]) => ({ file, before: files.get(file)!, after, changes: changes.get(file) ?? [] }));
  return { edits, sites, skipped: [], held };
}

/** Places holds for every written image in `texts` (in place) and checks nothing but comments changed. */
function holdAll(texts: Map<string, string>, writes: readonly RollbackWrite[], options: RollbackEditOptions): string[] {
  const names = new Set(writes.map((w) => imageName(w.ref)));
  const places: HoldPlace[] = [];
  const before = new Map<string, string>();
  for (const [file, text] of texts) {
    const found = locateImages(file, text, { pin: 'tag', allowDowngrade: true, policies: options.policies }).filter((s) =>
      names.has(imageName(s.image)),
    );
    for (const site of found) places.push({ file, line: site.line, image: imageName(site.image) });
    if (found.length > 0)
      before.set(
        file,
        JSON.stringify(locateImages(file, text, { pin: 'tag', allowDowngrade: true, policies: options.policies }).map((s) => s.image)),
      );
  }
  for (const name of names) {
    if (!places.some((p) => p.image === name && !isJsonFile(p.file))) {
      throw new UserError(
        `hold: ${familiarName(parseImageRef(name))} is written only in JSON files, which cannot carry a hold comment; roll back with ` +
          `hold: false, or write it in YAML.`,
        { input: 'hold' },
      );
    }
  }
  for (const [file, after] of placeHolds(texts, places, options.hold!)) {
    const images = JSON.stringify(
      locateImages(file, after, { pin: 'tag', allowDowngrade: true, policies: options.policies }).map((s) => s.image),
    );
    if (images !== before.get(file)) throw new Error(`${file}: placing the rollback hold changed what the file holds; nothing was written`);
    texts.set(file, after);
  }
  const placed = new Set(findHolds(new Map([...texts].filter(([file]) => before.has(file)))).map((h) => h.image));
  const missing = [...names].filter((name) => !placed.has(name));
  if (missing.length > 0) throw new Error(`the rollback hold of ${missing.join(', ')} could not be read back; nothing was written`);
  return [...names].sort();
}
