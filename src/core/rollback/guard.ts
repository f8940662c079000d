/**
 * Planning a bump or promotion that respects rollback holds: images held in the environment are left
 * alone (and reported), unless the caller overrides the hold, in which case the same edit also releases
 * it. Pure: files in, an edit plan out.
 */
import { planEdits } from '../edit/index.ts';
import type { EditOptions, EditPlan, FileEdit } from '../edit/types.ts';
import { familiarName, type ImageRef, imageName, parseImageRef } from '../image-ref.ts';
import { type FoundHold, findHolds, holdsByImage, lineAfterRemoval, releaseCommand, removeHolds } from './holds.ts';

/** An edit plan and what rollback holds did to it. */
export interface GuardedPlan extends EditPlan {
  /** Holds that kept a requested image from being written (not overridden). */
  readonly held: readonly FoundHold[];
  /** Holds the edit removes because the caller overrode them. */
  readonly released: readonly FoundHold[];
}

/** Options of {@link planRespectingHolds}: the editor's, and whether holds are overridden. */
export interface GuardOptions extends EditOptions {
  readonly overrideHold: boolean;
}

/**
 * Plans writing `images` over the files like `planEdits`, minus the images a rollback holds in these
 * files. With `overrideHold`, held images are written too and their holds removed in the same edit.
 * Every requested image must still be found somewhere (the editor's check), held or not.
 */
export function planRespectingHolds(files: ReadonlyMap<string, string>, images: readonly ImageRef[], options: GuardOptions): GuardedPlan {
  const holds = holdsByImage(findHolds(files));
  const heldNames = new Set(images.map(imageName).filter((name) => holds.has(name)));
  const all = planEdits(files, images, options);
  const list = (names: Iterable<string>) => [...names].flatMap((name) => holds.get(name) ?? []);
  if (heldNames.size === 0) return { ...all, held: [], released: [] };
  if (options.overrideHold) return { ...releaseIn(files, all, heldNames), held: [], released: list(heldNames) };
  const free = images.filter((image) => !heldNames.has(imageName(image)));
  const partial = free.length > 0 ? planEdits(files, free, options) : { edits: [], skipped: [] };
  return { edits: partial.edits, sites: all.sites, skipped: partial.skipped, held: list(heldNames), released: [] };
}

/** The plan with the holds of `names` removed from its files (files that only lose a hold included). */
function releaseIn(files: ReadonlyMap<string, string>, plan: EditPlan, names: ReadonlySet<string>): EditPlan {
  const edited = new Map(plan.edits.map((edit) => [edit.file, edit]));
  const current = new Map([...files].map(([file, text]) => [file, edited.get(file)?.after ?? text]));
  const released = removeHolds(current, names);
  const edits: FileEdit[] = [];
  for (const file of [...new Set([...edited.keys(), ...released.keys()])].sort()) {
    const edit = edited.get(file);
    const after = released.get(file);
    if (after === undefined) {
      edits.push(edit!);
      continue;
    }
    const moved = lineAfterRemoval(current.get(file)!, names);
    const changes = (edit?.changes ?? []).map((change) => ({ ...change, line: moved(change.line) }));
    edits.push({ file, before: files.get(file)!, after, changes });
  }
  return { ...plan, edits };
}

/** Why a held image was left alone, and how to release it. */
export function heldMessage(hold: FoundHold, envName: string, verb: 'bumped' | 'promoted', fallbackSelector: string): string {
  const release = releaseCommand({ image: hold.image, selector: hold.selector || fallbackSelector });
  return (
    `${familiarName(parseImageRef(hold.image))} is held in ${envName} since ${hold.time} by ${hold.actor} (${hold.reason}; ` +
    `${hold.file}:${hold.line}): not ${verb}. ` +
    `Release it with "${release}", or run with override-hold.`
  );
}
