/**
 * Writes an import into the repo's text: the policies and environments into baton.yaml (kept as it
 * was elsewhere: comments, order, other keys; the yaml library moves a comment that follows a mapping
 * key to the line below it), and the markers into the values files they belong to.
 * Pure: texts in, file edits out; the result is checked by parsing it as Baton would.
 */
import { isMap, isScalar, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import type { FileEdit } from '../edit/types.ts';
import { CONFIG_FILE, parseEnvRepoConfig } from '../env-config.ts';
import { UserError } from '../errors.ts';
import type { ImportedMarker, ImportResult } from './import-types.ts';

/** The edits an import makes: baton.yaml, and values files that get markers. */
export function importEdits(result: ImportResult, config: string | undefined, files: ReadonlyMap<string, string>): FileEdit[] {
  const doc = parseDocument(config ?? '');
  if (doc.errors.length > 0) throw new UserError(`${CONFIG_FILE}: ${doc.errors[0]!.message.split('\n')[0]}`, { input: CONFIG_FILE });
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const [name, policy] of result.policies) doc.setIn(['policies', name], doc.createNode(policy, { flow: false }));
  const envs = (doc.getIn(['environments']) ?? undefined) as YAMLMap | undefined;
  for (const env of result.environments) {
    const existing = envs?.items.find((pair) => {
      const value = pair.value as YAMLMap | undefined;
      return (
        isMap(value) &&
        String(value.get('path') ?? '')
          .replace(/^\.\//, '')
          .replace(/\/$/, '') === env.path
      );
    });
    const name = existing ? String((existing.key as Scalar).value) : env.name;
    if (!existing) {
      doc.setIn(['environments', name, 'path'], env.path);
      if (env.branch) doc.setIn(['environments', name, 'branch'], env.branch);
      if (env.mode) doc.setIn(['environments', name, 'mode'], env.mode);
    }
    const update = doc.getIn(['environments', name, 'update']) as { items?: unknown[] } | undefined;
    const current = (update?.items ?? []).map((item) => String(isScalar(item) ? item.value : item));
    doc.setIn(['environments', name, 'update'], doc.createNode([...new Set([...current, ...env.update])], { flow: true }));
  }
  const after = doc.toString({ lineWidth: 0 });
  parseEnvRepoConfig(after);
  const edits: FileEdit[] = [{ file: CONFIG_FILE, before: config ?? '', after, changes: [] }];
  const byFile = new Map<string, ImportedMarker[]>();
  for (const marker of result.markers) byFile.set(marker.file, [...(byFile.get(marker.file) ?? []), marker]);
  for (const [file, markers] of byFile) {
    const text = files.get(file);
    if (text === undefined) throw new UserError(`${file}: the write-back target is not in the repo.`, { input: file });
    const marked = addMarkers(file, text, markers);
    if (marked !== text) edits.push({ file, before: text, after: marked, changes: [] });
  }
  return edits.filter((edit) => edit.after !== edit.before);
}

/**
 * Puts ` # <marker>` right after each keyed value. An existing comment stays, after the marker (the
 * marker must open the comment to be read); a value already marked for Baton is left alone.
 */
function addMarkers(file: string, text: string, markers: readonly ImportedMarker[]): string {
  const doc = parseDocument(text);
  const inserts: { at: number; marker: string }[] = [];
  for (const marker of markers) {
    const node = doc.getIn(marker.key.split('.'), true) as Scalar | undefined;
    if (!node || !isScalar(node) || !node.range)
      throw new UserError(`${file}: no value at ${marker.key} for the marker "${marker.marker}".`, { input: file });
    const lineEnd = text.indexOf('\n', node.range[1]);
    const rest = text.slice(node.range[1], lineEnd < 0 ? text.length : lineEnd);
    if (/^\s*#\s*baton:/.test(rest)) continue;
    inserts.push({ at: node.range[1], marker: marker.marker });
  }
  let out = text;
  for (const { at, marker } of inserts.sort((a, b) => b.at - a.at)) out = `${out.slice(0, at)} # ${marker}${out.slice(at)}`;
  return out;
}
