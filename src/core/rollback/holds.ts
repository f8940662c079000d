/**
 * Rollback holds: a visible, reviewable comment line that a rollback leaves directly above each place an
 * image it rolled back is written, so that later bumps and promotions of that image into that environment
 * leave it alone until someone releases it (DESIGN §3, "What Baton remembers, it keeps in Git"):
 *
 *     images:
 * # baton-hold: ghcr.io/acme/api by "alice" on 2024-06-01T10:00:00.000Z reason "error rate up"; release: baton release-hold --env
 * production --image ghcr.io/acme/api
 *       - name: ghcr.io/acme/api
 *         newTag: 1.4.1
 *
 * Why a comment and not a holds file: it sits next to the value it holds, shows up in the diff of the
 * rollback and in any review of the file, and no tool that reads the environment (kustomize, Argo CD
 * directory apps, Flux's generated kustomization) ever sees it. The prefix is `baton-hold:`, never
 * `baton:`, so the editor's `# baton: <image>` markers cannot mistake it for one. JSON cannot carry
 * comments: an image written only in JSON files cannot be held (the rollback says so).
 *
 * An image is held in an environment when any file under the environment's path holds a hold line for it.
 * Pure: text in, text out.
 */
import { UserError } from '../errors.ts';
import { familiarName, imageName, parseImageRef, tryParseImageRef } from '../image-ref.ts';

/** What a hold says: which image, who set it, when, why, and how to release it. */
export interface Hold {
  /** Canonical image name (`ghcr.io/acme/api`, `docker.io/library/nginx`). */
  readonly image: string;
  readonly actor: string;
  /** ISO 8601 time the hold was set. */
  readonly time: string;
  readonly reason: string;
  /** How the environment is named for `baton release-hold`: `--env production` or `--path envs/prod`. */
  readonly selector: string;
}

/** A hold found in a file, with where it is (1-based line). */
export interface FoundHold extends Hold {
  readonly file: string;
  readonly line: number;
}

/** Where a hold goes: above the line of one site of the image. */
export interface HoldPlace {
  readonly file: string;
  readonly line: number;
  readonly image: string;
}

const PREFIX = 'baton-hold:';
const JSON_STRING = '"(?:[^"\\\\]|\\\\.)*"';
const HOLD_RE = new RegExp(
  `^[ \\t]*#[ \\t]*${PREFIX}[ \\t]+(\\S+)[ \\t]+by[ \\t]+(${JSON_STRING})[ \\t]+on[ \\t]+(\\S+)[ \\t]+reason[ ` +
    `\\t]+(${JSON_STRING})(?:;[ \\t]*release:[ \\t]*baton release-hold[ \\t]+(--(?:env|path)[ \\t]+\\S+))?`,
);
const ANY_HOLD_RE = new RegExp(`^[ \\t]*#[ \\t]*${PREFIX}`);
const BOM = '\uFEFF';

/** The selector of an environment for the release command: `--env <name>` (baton.yaml) or `--path <dir>`. */
export function envSelector(env: { readonly name: string; readonly path: string }, byPath: boolean): string {
  return byPath ? `--path ${env.path}` : `--env ${env.name}`;
}

/** The command that releases a hold. */
export function releaseCommand(hold: Pick<Hold, 'image' | 'selector'>): string {
  return `baton release-hold ${hold.selector} --image ${familiarName(parseImageRef(hold.image))}`;
}

/** The comment line of a hold, without indentation or line ending. */
export function formatHold(hold: Hold): string {
  const reason = hold.reason.replace(/\s+/g, ' ').trim();
  const name = familiarName(parseImageRef(hold.image));
  return (
    `# ${PREFIX} ${name} by ${JSON.stringify(hold.actor)} on ${hold.time} reason ${JSON.stringify(reason)}; release: ` +
    `${releaseCommand(hold)}`
  );
}

/** Reads a hold from one line of a file; undefined when the line is not one. */
export function parseHold(line: string): Hold | undefined {
  const match = HOLD_RE.exec(line);
  if (!match) return undefined;
  const ref = tryParseImageRef(match[1]!);
  if (!ref) return undefined;
  try {
    return {
      image: imageName(ref),
      actor: JSON.parse(match[2]!) as string,
      time: match[3]!,
      reason: JSON.parse(match[4]!) as string,
      selector: match[5]?.replace(/[ \t]+/, ' ') ?? '',
    };
  } catch {
    return undefined;
  }
}

/** Lines of a text with their line endings kept. */
function linesOf(text: string): string[] {
  return text.split(/(?<=\n)/);
}

/** True for files that cannot carry a comment. */
export function isJsonFile(file: string): boolean {
  return /\.json$/i.test(file);
}

/**
 * Every hold in the files, in file and line order. A line that starts like a hold but cannot be read
 * is an error naming it, never ignored: a hold that silently stopped working would let automation undo
 * a rollback.
 */
export function findHolds(files: ReadonlyMap<string, string>): FoundHold[] {
  const found: FoundHold[] = [];
  for (const file of [...files.keys()].sort()) {
    if (isJsonFile(file)) continue;
    for (const [index, line] of linesOf(files.get(file)!).entries()) {
      if (!ANY_HOLD_RE.test(line.replace(BOM, ''))) continue;
      const hold = parseHold(line.replace(BOM, ''));
      if (!hold) {
        throw new UserError(
          `${file}:${index + 1}: a "# ${PREFIX}" comment Baton cannot read; write it as Baton does (see docs/rollback.md) or delete ` +
            `the line to release the hold.`,
          { input: `${file}:${index + 1}` },
        );
      }
      found.push({ ...hold, file, line: index + 1 });
    }
  }
  return found;
}

/** The holds of each held image (canonical name → holds). */
export function holdsByImage(holds: readonly FoundHold[]): Map<string, FoundHold[]> {
  const map = new Map<string, FoundHold[]>();
  for (const hold of holds) map.set(hold.image, [...(map.get(hold.image) ?? []), hold]);
  return map;
}

/**
 * Writes a hold above each place (one per line and image), replacing a hold of the same image already
 * there. Returns the texts that changed. JSON files are skipped (see the module comment).
 */
export function placeHolds(
  files: ReadonlyMap<string, string>,
  places: readonly HoldPlace[],
  holdFor: (image: string) => Hold,
): Map<string, string> {
  const changed = new Map<string, string>();
  const byFile = new Map<string, HoldPlace[]>();
  for (const place of places) {
    if (!isJsonFile(place.file)) byFile.set(place.file, [...(byFile.get(place.file) ?? []), place]);
  }
  for (const [file, list] of byFile) {
    const text = files.get(file);
    if (text === undefined) continue;
    const after = placeInText(text, list, holdFor);
    if (after !== text) changed.set(file, after);
  }
  return changed;
}

function placeInText(text: string, places: readonly HoldPlace[], holdFor: (image: string) => Hold): string {
  const lines = linesOf(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const seen = new Set<string>();
  // Bottom-up, so earlier line numbers stay valid while lines go in.
  const sorted = [...places].sort((a, b) => b.line - a.line || a.image.localeCompare(b.image));
  for (const place of sorted) {
    const key = `${place.line}\0${place.image}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const index = place.line - 1;
    const target = lines[index] ?? '';
    const bom = index === 0 && target.startsWith(BOM) ? BOM : '';
    const indent = /^[ \t]*/.exec(target.slice(bom.length))![0];
    const comment = `${indent}${formatHold(holdFor(place.image))}${eol}`;
    const above = holdAbove(lines, index, place.image);
    if (above !== undefined) lines[above] = comment;
    else {
      lines[index] = target.slice(bom.length);
      lines.splice(index, 0, bom + comment);
    }
  }
  return lines.join('');
}

/** The index of a hold line for `image` in the comment block directly above `index`, if any. */
function holdAbove(lines: readonly string[], index: number, image: string): number | undefined {
  for (let i = index - 1; i >= 0 && /^[ \t]*#/.test(lines[i]!.replace(BOM, '')); i--) {
    if (parseHold(lines[i]!.replace(BOM, ''))?.image === image) return i;
  }
  return undefined;
}

/** Removes every hold line of the given images (canonical names); returns the texts that changed. */
export function removeHolds(files: ReadonlyMap<string, string>, images: ReadonlySet<string>): Map<string, string> {
  const changed = new Map<string, string>();
  for (const [file, text] of files) {
    if (isJsonFile(file)) continue;
    const lines = linesOf(text);
    const kept = lines.filter((line) => {
      const hold = ANY_HOLD_RE.test(line.replace(BOM, '')) ? parseHold(line.replace(BOM, '')) : undefined;
      return !(hold && images.has(hold.image));
    });
    if (kept.length === lines.length) continue;
    let after = kept.join('');
    if (text.startsWith(BOM) && !after.startsWith(BOM)) after = BOM + after;
    changed.set(file, after);
  }
  return changed;
}

/**
 * For a text whose holds of `images` are about to be removed: maps a line number in that text to the
 * line number it has once they are gone.
 */
export function lineAfterRemoval(text: string, images: ReadonlySet<string>): (line: number) => number {
  const removed: number[] = [];
  for (const [index, line] of linesOf(text).entries()) {
    const hold = ANY_HOLD_RE.test(line.replace(BOM, '')) ? parseHold(line.replace(BOM, '')) : undefined;
    if (hold && images.has(hold.image)) removed.push(index + 1);
  }
  return (line) => line - removed.filter((at) => at < line).length;
}
