import type { Scalar } from 'yaml';
import { UserError } from '../errors.ts';
import { familiarName, formatFamiliar, type ImageRef, imageName, sameImage } from '../image-ref.ts';
import { type LocatedFile, locateSites, publicSite } from './locate.ts';
import { checkPin } from './pin.ts';
import { imageNeedles, mayHoldImage } from './candidates.ts';
import { addImageEntry, rootKustomization } from './kustomize-add.ts';
import { isArgocdOverride } from './locate-argocd.ts';
import { MalformedYamlError, positionOf, textPosition } from './parse.ts';
import { type Op, type PlannedSite, planSite, type SitePlan, type Version } from './rewrite.ts';
import type { LocatedSite } from './site.ts';
import { applySplices, mapOffset, type Splice, sortSplices } from './splice.ts';
import type { EditOptions, EditPlan, FileEdit, ImageSite, Pin, SkippedSite, ValueChange } from './types.ts';
import { verifyEdit } from './verify.ts';

/**
 * Plans the bump of `images` (each with a tag and/or digest, as `options.pin` needs) over the files of
 * an env repo (path → text). Every site of each image is set to the new version, unless that would
 * lower a semver tag (`skipped`, unless `allowDowngrade`). Only files whose text changes are in
 * `edits`; each edited text has passed the after-edit check. Throws a {@link UserError} for malformed
 * YAML, an image without the tag or digest the pin needs, and an image found in no file.
 */
export function planEdits(files: ReadonlyMap<string, string>, images: readonly ImageRef[], given: EditOptions): EditPlan {
  const wanted = checkRequests(images, given.pin);
  const options = withPolicy(given, [...wanted.values()]);
  const notices: string[] = [];
  const located = [...files.keys()].sort().flatMap((file) => locateOrSkip(file, files.get(file)!, [...wanted.values()], options, notices));
  const sites = new Map<string, readonly ImageSite[]>();
  const root = options.root ?? commonFolder([...files.keys()]);
  const additions: Array<{ image: ImageRef; site: LocatedSite }> = [];
  for (const [name, image] of wanted) {
    const found = located.flatMap((file) => file.sites.filter((site) => sameImage(site.image, image)));
    const inBase = found.length === 0 ? baseSite(options, image) : undefined;
    if (found.length === 0 && inBase === undefined) throw notFound(image, root, options.policy);
    if (inBase !== undefined) additions.push({ image, site: inBase });
    sites.set(name, (inBase === undefined ? found : [inBase]).map(publicSite));
  }
  notices.push(...unreadOverrides(located, [...wanted.values()]));
  const edits: FileEdit[] = [];
  const skipped: SkippedSite[] = [];
  for (const file of located) {
    const result = editFile(file, [...wanted.values()], options);
    skipped.push(...result.skipped);
    if (result.edit !== undefined) edits.push(result.edit);
  }
  for (const { image, site } of additions) addEntry(edits, files, root, image, site, options);
  return { edits: edits.sort((a, b) => (a.file < b.file ? -1 : 1)), sites, skipped, ...(notices.length > 0 ? { notices } : {}) };
}

/**
 * Argo CD override files that name an image without a value Baton can edit: Argo CD reads the override
 * over the files Baton changes, so the environment may stay on the old version. Said, not guessed at.
 */
function unreadOverrides(located: readonly LocatedFile[], wanted: readonly ImageRef[]): string[] {
  return located
    .filter((file) => isArgocdOverride(file.parsed.file))
    .flatMap((file) =>
      wanted
        .filter((image) => file.parsed.text.includes(familiarName(image)) && !file.sites.some((site) => sameImage(site.image, image)))
        .map(
          (image) =>
            `warning: ${file.parsed.file} names ${familiarName(image)}, but holds no value Baton can edit for it; Argo CD reads this ` +
            `override over the other files, so check it by hand.`,
        ),
    );
}

/** The first site of the image in the bases, when the caller gave them. */
function baseSite(options: EditOptions, image: ImageRef): LocatedSite | undefined {
  if (options.bases === undefined || options.policy !== undefined) return undefined;
  for (const file of [...options.bases.keys()].sort()) {
    let sites: readonly LocatedSite[];
    try {
      sites = locateSites(file, options.bases.get(file)!, options).sites;
    } catch {
      continue; // a base Baton cannot read is only evidence, never edited
    }
    const site = sites.find((candidate) => sameImage(candidate.image, image));
    if (site !== undefined) return site;
  }
  return undefined;
}

/** Adds an `images:` entry for an image only the bases use to the environment's kustomization (on top of its other edits). */
function addEntry(
  edits: FileEdit[],
  files: ReadonlyMap<string, string>,
  root: string,
  image: ImageRef,
  site: LocatedSite,
  options: EditOptions,
): void {
  const file = rootKustomization(files, root);
  if (file === undefined) throw notFound(image, root, undefined);
  const index = edits.findIndex((edit) => edit.file === file);
  const earlier = index < 0 ? undefined : edits[index]!;
  const added = addImageEntry(file, earlier?.after ?? files.get(file)!, site.name, image, options.pin, options);
  const edit = { file, before: files.get(file)!, after: added.after, changes: [...(earlier?.changes ?? []), ...added.changes] };
  if (index < 0) edits.push(edit);
  else edits[index] = edit;
}

/**
 * The located file, or nothing when it is not YAML and cannot hold any of the images (a CI file with
 * repeated merge keys, a template): such a file is skipped with a notice. One that may hold them fails.
 */
function locateOrSkip(file: string, text: string, wanted: readonly ImageRef[], options: EditOptions, notices: string[]): LocatedFile[] {
  try {
    return [locateSites(file, text, options)];
  } catch (error) {
    const needles = imageNeedles(wanted, options.policies !== undefined || options.policy !== undefined);
    if (!(error instanceof MalformedYamlError) || mayHoldImage(new TextEncoder().encode(text), needles)) throw error;
    notices.push(`${error.message.replace(/\. Fix the file; nothing was changed\.$/, '')}; it does not mention the image, skipped.`);
    return [];
  }
}

/** The requested images by canonical name, checked against what the pin writes. */
function checkRequests(images: readonly ImageRef[], pin: Pin): Map<string, ImageRef> {
  const wanted = new Map<string, ImageRef>();
  for (const image of images) {
    const shown = formatFamiliar(image);
    checkPin(image, pin);
    const name = imageName(image);
    const earlier = wanted.get(name);
    if (earlier !== undefined && formatFamiliar(earlier) !== shown) {
      throw new UserError(`image: ${familiarName(image)} is given twice (${formatFamiliar(earlier)} and ${shown}); give it once.`, {
        input: 'image',
      });
    }
    wanted.set(name, image);
  }
  return wanted;
}

/**
 * With a policy named, its markers stand for the one requested image (Flux writes the policy's latest
 * image there), whatever baton.yaml maps it to.
 */
function withPolicy(options: EditOptions, wanted: readonly ImageRef[]): EditOptions {
  if (options.policy === undefined) return options;
  if (wanted.length !== 1)
    throw new UserError(`policy: a policy stands for one image, but ${wanted.length} are given.`, { input: 'policy' });
  return { ...options, policies: { ...options.policies, [options.policy]: familiarName(wanted[0]!) } };
}

function notFound(image: ImageRef, root: string, policy?: string): UserError {
  const name = familiarName(image);
  if (policy !== undefined) {
    return new UserError(
      `policy: no {"$imagepolicy": "…${policy}…"} marker under ${root}; mark the values to write, or check the policy name.`,
      { input: 'policy' },
    );
  }
  return new UserError(
    `image: ${name} was not found in any kustomization, manifest, Helm values file or marker under ${root}; ` +
      `check the name or add a \`# baton: ${name}\` marker.`,
    { input: 'image' },
  );
}

/** The deepest folder holding every file (`.` when they share none). */
export function commonFolder(files: readonly string[]): string {
  const folders = files.map((file) => file.split('/').slice(0, -1));
  const first = folders[0] ?? [];
  let depth = 0;
  while (depth < first.length && folders.every((parts) => parts[depth] === first[depth])) depth++;
  return depth === 0 ? '.' : first.slice(0, depth).join('/');
}

interface FileResult {
  readonly edit?: FileEdit;
  readonly skipped: readonly SkippedSite[];
}

function editFile(file: LocatedFile, wanted: readonly ImageRef[], options: EditOptions): FileResult {
  const plans: SitePlan[] = [];
  for (const site of file.sites) {
    const image = wanted.find((candidate) => sameImage(candidate, site.image));
    if (image !== undefined) plans.push(planSite(file.parsed, site, image, options.pin, options.allowDowngrade));
  }
  const skipped = plans.flatMap((plan) => (plan.skipped === undefined ? [] : [plan.skipped]));
  const done = plans.filter((plan): plan is PlannedSite => plan.skipped === undefined);
  const ops = dedupeShared(file, done);
  if (ops.length === 0) return { skipped };
  const splices = sortSplices(ops.map((op) => op.splice));
  const after = applySplices(file.parsed.text, splices);
  if (after === file.parsed.text) return { skipped };
  const expected = new Map<LocatedSite, Version>(done.map((plan) => [plan.site, plan.after]));
  verifyEdit(
    file,
    after,
    expected,
    ops.map((op) => op.patch),
    options,
  );
  const changes = done.flatMap((plan) =>
    plan.ops.filter((op) => ops.includes(op)).map((op) => change(plan, op, splices, file.parsed.text, after)),
  );
  return { edit: { file: file.parsed.file, before: file.parsed.text, after, changes }, skipped };
}

/**
 * The ops of all plans, with writes to one anchored scalar (through aliases) merged. Refuses when two
 * sites would write different values there, or when the anchor also feeds a site that is not being
 * changed the same way: an alias means "the same value", so Baton changes it only when every image
 * reading it moves together.
 */
function dedupeShared(file: LocatedFile, plans: readonly PlannedSite[]): Op[] {
  const written = new Map<Scalar, Op>();
  const ops: Op[] = [];
  for (const op of plans.flatMap((plan) => plan.ops)) {
    const earlier = op.node === undefined ? undefined : written.get(op.node);
    if (earlier === undefined) {
      if (op.node !== undefined) written.set(op.node, op);
      ops.push(op);
    } else if (earlier.new !== op.new) {
      throw sharedError(file, op, `two sites want ${earlier.new} and ${op.new} there`);
    }
  }
  const changing = new Set(plans.map((plan) => plan.site));
  for (const site of file.sites) {
    for (const slot of [site.ref, site.tag, site.digest, site.rename]) {
      const op = slot === undefined ? undefined : written.get(slot.node);
      if (op === undefined || changing.has(site)) continue;
      throw sharedError(file, op, `it also holds the ${slot!.key} of ${site.name} at line ${site.line}, which this bump does not change`);
    }
  }
  return ops;
}

function sharedError(file: LocatedFile, op: Op, why: string): UserError {
  const { line, column } = positionOf(file.parsed, op.at);
  const where = `${file.parsed.file}:${line}:${column}`;
  return new UserError(
    `${where}: the ${op.field} value is shared through a YAML anchor and ${why}; ` +
      'write the values without the alias, or bump every image that reads it to the same version.',
    { input: where },
  );
}

/** The change an op makes, positioned in the edited text (a removed field: where it was in the original). */
function change(plan: PlannedSite, op: Op, splices: readonly Splice[], before: string, after: string): ValueChange {
  const { site } = plan;
  const { line, column } =
    op.kind === 'remove'
      ? textPosition(before, op.at)
      : textPosition(
          after,
          op.kind === 'add' ? mapOffset(splices, op.splice.start, splices.indexOf(op.splice)) + op.at : mapOffset(splices, op.at),
        );
  return {
    file: site.file,
    line,
    column,
    kind: site.kind,
    image: imageName(site.image),
    field: op.field,
    old: op.old,
    new: op.new,
    oldTag: site.image.tag,
    newTag: plan.after.tag,
    oldDigest: site.image.digest,
    newDigest: plan.after.digest,
  };
}
