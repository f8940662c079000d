/**
 * The status step: a matrix of images × environments read from the env repo alone (files, history,
 * verification notes, holds), written to the job summary and as JSON.
 */
import { CONFIG_FILE, type Environment, pickEnvironments } from '../../core/env-config.ts';
import { describeError, UserError } from '../../core/errors.ts';
import { type EnvReading, statusMarkdown, statusMatrix } from '../../core/history/status.ts';
import type { HistoryEntry } from '../../core/history/states.ts';
import { familiarName, imageName, parseImageRef } from '../../core/image-ref.ts';
import { findHolds } from '../../core/rollback/holds.ts';
import { latestVerdict } from '../../core/verify/verdict-note.ts';
import { statusSpec } from '../../specs/status.ts';
import type { InputsOf } from '../../specs/types.ts';
import { isEditable, readConfig } from '../shared/env-repo.ts';
import type { HistoryDeps } from '../shared/history-deps.ts';
import { DEFAULT_IDENTITY, remoteOf } from '../shared/identity.ts';
import { type HistoryCheckout, readHistory } from '../shared/history-read.ts';
import { defineStep, type Step, type StepContext, type StepResult } from '../shared/types.ts';

/** The checked inputs of status. */
export interface StatusInputs {
  readonly repo: string;
  readonly envs: readonly string[];
  /** Canonical image names to show; all when empty. */
  readonly images: readonly string[];
  /** The image names as given, by canonical name (for messages). */
  readonly given?: ReadonlyMap<string, string>;
  readonly token?: string;
}

/** How many states back status looks for the commit that set each value. */
const SINCE_LIMIT = 10;

/** Checks status's inputs. */
export function statusInputs(values: InputsOf<typeof statusSpec>): StatusInputs {
  const given = new Map(values.image.map((text) => [imageName(parseImageRef(text, 'image')), text]));
  return { repo: values.repo, envs: values.env, images: [...given.keys()], given, token: values.token };
}

/** The commit that set each image's current value: the oldest consecutive state holding it. */
function sinceOf(entries: readonly HistoryEntry[]): Map<string, { commit: string; time: string }> {
  const since = new Map<string, { commit: string; time: string }>();
  for (const [name, version] of entries[0]?.images ?? []) {
    let at = entries[0]!;
    for (const entry of entries.slice(1)) {
      const then = entry.images.get(name);
      if (!then || then.ref.tag !== version.ref.tag || then.ref.digest !== version.ref.digest) break;
      at = entry;
    }
    since.set(name, { commit: at.commit, time: at.time });
  }
  return since;
}

/** Reads one environment from a clone of its branch (files from the object store, no checkout). */
async function readEnv(repo: HistoryCheckout, env: Environment, policies: Record<string, string>): Promise<EnvReading> {
  const base = { name: env.name, path: env.path, branch: repo.branch, images: new Map(), since: new Map(), holds: [] };
  try {
    if (!(await repo.treeOf('HEAD', env.path))) return { ...base, error: `${env.path} does not exist on ${repo.branch}` };
    const { entries } = await readHistory(repo, env, SINCE_LIMIT, policies);
    const current = entries[0];
    if (!current) return base;
    const commit = current.folded[0]?.commit ?? current.commit;
    const time = current.folded[0]?.time ?? current.time;
    const note = (await repo.notesOf('refs/notes/baton', [commit])).get(commit);
    const verdict = note ? latestVerdict(note, env.name) : undefined;
    const files = (await repo.filesAt([commit], env.path, isEditable)).get(commit) ?? new Map<string, string>();
    return {
      ...base,
      commit,
      time,
      images: current.images,
      since: sinceOf(entries),
      ...(verdict ? { verdict } : {}),
      holds: findHolds(files),
    };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { ...base, error: describeError(error) };
  }
}

/** Clones each branch the environments live on once, reading every environment on it. */
async function readAll(inputs: StatusInputs, deps: HistoryDeps, context: StepContext): Promise<EnvReading[]> {
  const remote = remoteOf({ ...inputs, forge: 'auto' }, context.env);
  const identity = DEFAULT_IDENTITY;
  const first = await deps.clone(remote, { sparsePaths: [], identity });
  const clones = new Map<string, HistoryCheckout>([[first.branch, first]]);
  try {
    const config = await readConfig(first);
    if (!config) throw new UserError(`repo: status needs ${CONFIG_FILE} at the env repo root naming the environments.`, { input: 'repo' });
    const readings: EnvReading[] = [];
    for (const env of pickEnvironments(config, inputs.envs)) {
      const branch = env.branch ?? first.branch;
      let repo = clones.get(branch);
      if (!repo) {
        repo = await deps.clone(remote, { branch, sparsePaths: [], identity });
        clones.set(branch, repo);
      }
      readings.push(await readEnv(repo, env, { ...config.policies }));
    }
    return readings;
  } finally {
    for (const repo of clones.values()) await repo.cleanup();
  }
}

/** Runs status with checked inputs. */
export async function runStatus(inputs: StatusInputs, deps: HistoryDeps, context: StepContext): Promise<StepResult> {
  const readings = await readAll(inputs, deps, context);
  const known = new Set(readings.flatMap((r) => [...r.images.keys()]));
  const unknown = inputs.images.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const names = unknown.map((name) => `"${inputs.given?.get(name) ?? name}"`).join(', ');
    const list = [...known].map((name) => familiarName(parseImageRef(name))).join(', ') || 'none';
    throw new UserError(`image: ${names} is not an image of any environment shown (known: ${list}).`, { input: 'image' });
  }
  const shown =
    inputs.images.length === 0
      ? readings
      : readings.map((r) => ({ ...r, images: new Map([...r.images].filter(([name]) => inputs.images.includes(name))) }));
  const matrix = statusMatrix(shown, deps.now());
  for (const env of matrix.environments.filter((e) => e.error)) context.log.warn(`${env.name}: ${env.error}`);
  const held = shown.flatMap((r) => r.holds.map((h) => `${r.name} ${familiarName(parseImageRef(h.image))}`));
  return {
    outputs: {
      matrix: JSON.stringify(matrix),
      differs: matrix.rows
        .filter((row) => row.differs)
        .map((row) => familiarName(parseImageRef(row.image)))
        .join('\n'),
      held: [...new Set(held)].join('\n'),
    },
    summary: statusMarkdown(matrix),
    annotations: [],
  };
}

/** Creates the status step with its side effects. */
export function statusStep(deps: HistoryDeps): Step {
  return defineStep(statusSpec, (values, context) => runStatus(statusInputs(values), deps, context));
}
