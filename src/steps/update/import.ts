/**
 * `baton update --import flux|argocd`: read the controllers' objects in the repo and show (or, with
 * `write`, commit) the baton.yaml policies and markers that make `update` do what they did.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { GitRemote } from '../../adapters/git/types.ts';
import type { EditPlan } from '../../core/edit/types.ts';
import { CONFIG_FILE } from '../../core/env-config.ts';
import { UserError } from '../../core/errors.ts';
import { importArgoCd } from '../../core/update/import-argocd.ts';
import { importFlux } from '../../core/update/import-flux.ts';
import type { ImportResult, KubeObject } from '../../core/update/import-types.ts';
import { importEdits } from '../../core/update/import-write.ts';
import { unifiedDiff } from '../../core/unified-diff.ts';
import { type EnvRepoCheckout, isEditable } from '../shared/env-repo.ts';
import { type EnvChange, proposeChange, pushChange, type WriteOutcome } from '../shared/env-write.ts';
import { forgeOptions } from '../shared/identity.ts';
import type { StepContext, StepResult } from '../shared/types.ts';
import type { UpdateInputs } from './inputs.ts';
import type { UpdateDeps } from './types.ts';

/** Every YAML file of the checkout, and the Kubernetes objects in them (unparsable files are passed over). */
export async function readRepoObjects(repo: EnvRepoCheckout): Promise<{ files: Map<string, string>; objects: KubeObject[] }> {
  const files = new Map<string, string>();
  const objects: KubeObject[] = [];
  for (const file of (await repo.listFiles('.')).filter((f) => isEditable(f) && !f.endsWith('.json')).sort()) {
    const text = await readFile(join(repo.dir, file), 'utf8');
    files.set(file, text);
    for (const doc of parseAllDocuments(text)) {
      if (!('errors' in doc) || doc.errors.length > 0) continue;
      const value = doc.toJS() as Record<string, unknown> | null;
      if (value && typeof value === 'object' && typeof value['kind'] === 'string')
        objects.push({ ...(value as object), file } as KubeObject);
    }
  }
  return { files, objects };
}

/** The import as an edit plan the shared writer can land. */
async function importPlan(repo: EnvRepoCheckout, from: 'flux' | 'argocd'): Promise<{ plan: EditPlan; result: ImportResult }> {
  const { files, objects } = await readRepoObjects(repo);
  const result = from === 'flux' ? importFlux(objects, files) : importArgoCd(objects);
  if (result.policies.size === 0) {
    const what =
      from === 'flux' ? 'ImagePolicy objects (image.toolkit.fluxcd.io)' : 'Applications with argocd-image-updater.argoproj.io/image-list';
    throw new UserError(
      `import: found no ${what} in the repo; nothing to import.${result.notes.length ? ` ${result.notes.join(' ')}` : ''}`,
      { input: 'import' },
    );
  }
  const config = await readFile(join(repo.dir, CONFIG_FILE), 'utf8').catch(() => undefined);
  return { plan: { edits: importEdits(result, config, files), sites: new Map(), skipped: [] }, result };
}

/** Runs the import: diff always, commit (push mode) or request (pr mode) only with `write`. */
export async function runImport(inputs: UpdateInputs, deps: UpdateDeps, context: StepContext, remote: GitRemote): Promise<StepResult> {
  const from = inputs.import!;
  const repo = await deps.clone(remote, { ...(inputs.branch ? { branch: inputs.branch } : {}), sparsePaths: [], identity: inputs.author });
  try {
    await repo.setSparse(['.']);
    const { plan, result } = await importPlan(repo, from);
    const diff = unifiedDiff(plan.edits).trimEnd();
    for (const note of result.notes) context.log.warn(note);
    context.log.info(diff || `${CONFIG_FILE} already holds these policies`);
    const change: EnvChange<EditPlan> = {
      plan: async (checkout) => (await importPlan(checkout, from)).plan,
      message: () =>
        `update: import ${result.policies.size} polic${result.policies.size === 1 ? 'y' : 'ies'} from ` +
        `${from === 'flux' ? 'Flux' : 'Argo CD Image Updater'}\n\n${[...result.policies.keys()].map((name) => `- ${name}`).join('\n')}\n`,
      author: inputs.author,
    };
    let attempt: WriteOutcome<EditPlan> = { plan, commit: undefined };
    if (inputs.write && !inputs.dryRun && plan.edits.length > 0) {
      attempt =
        inputs.mode === 'push'
          ? await pushChange(repo, change, deps, context)
          : await proposeChange(
              repo,
              change,
              {
                branch: `baton/update/import-${from}`,
                title: `update: import policies from ${from === 'flux' ? 'Flux' : 'Argo CD Image Updater'}`,
                body: () =>
                  [
                    'Baton policies equivalent to the image automation found in this repo.',
                    '',
                    '```diff',
                    diff,
                    '```',
                    '',
                    ...result.notes.map((n) => `- ${n}`),
                  ].join('\n'),
                labels: inputs.labels,
                autoMerge: false,
                forge: () => deps.forge(forgeOptions(inputs)),
              },
              context,
              '.',
            );
    }
    const summary = [
      `### Baton update: import from ${from}${inputs.write ? '' : ' (not written; run with write to commit it)'}`,
      '',
      ...(diff ? ['```diff', diff, '```'] : [`${CONFIG_FILE} already holds these policies.`]),
      ...result.notes.map((n) => `\n- ${n}`),
    ].join('\n');
    return {
      outputs: {
        updates: '[]',
        changed: String(plan.edits.length > 0 && (!inputs.write || inputs.dryRun || attempt.pushed !== false)),
        'pr-url': attempt.request?.url ?? '',
        commit: attempt.commit ?? '',
        files: plan.edits.map((e) => e.file).join('\n'),
      },
      summary,
      annotations: [],
    };
  } finally {
    await repo.cleanup();
  }
}
