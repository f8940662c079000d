/**
 * verify's {@link VerdictRecorder} on git: the verdict becomes a line in the git note (`refs/notes/baton`)
 * of the env-repo commit that was verified, pushed with a lease and the same race handling as a bump,
 * then mirrored to the forge for people to see: a commit status `baton/verify/<env>`, and on GitHub a
 * deployment status on the deployment of that commit to the environment. The note is the record
 * (DESIGN §3); the mirrors are copies, so failing to set one is a warning, never a failed verdict.
 */
import { type CreateForgeOptions, createForge } from '../../adapters/forges/detect.ts';
import type { CommitState, Forge } from '../../adapters/forges/types.ts';
import { type GitRepo, isFullCommitId } from '../../adapters/git/git-repo.ts';
import { backoffDelay, type RetryPolicy } from '../../adapters/retry.ts';
import { namedEnvironment } from '../../core/env-config.ts';
import { describeError, TransientError, UserError } from '../../core/errors.ts';
import type { VerdictStatus } from '../../core/verify/verdict.ts';
import { cloneEnvRepo } from '../shared/clone.ts';
import { readConfig } from '../shared/env-repo.ts';
import { remoteOf } from '../shared/identity.ts';
import type { RecordOutcome, RecordRequest, VerdictRecorder } from './record.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The notes push race bound: a dozen verifies landing at once must all keep their lines. */
export const NOTES_PUSH_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Options of {@link GitVerdictRecorder}. */
export interface GitVerdictRecorderOptions {
  /** `RUNNER_TEMP` for the clone; forge detection and API URLs (`GITHUB_*`, `CI_*`). Default `process.env`. */
  readonly env?: Env;
  /** Bound and backoff of the notes push race; {@link NOTES_PUSH_RETRY} when omitted. */
  readonly retry?: RetryPolicy;
  /** Makes the forge client (tests pass retry limits); `createForge` when omitted. */
  readonly forge?: (options: CreateForgeOptions) => Forge;
  /** Receives every git command line, redacted; none when omitted. */
  readonly gitLog?: (line: string) => void;
}

/** The forge's commit state for a verdict: a timeout could not finish (`error`), a failure said no. */
const STATE: Readonly<Record<VerdictStatus, CommitState>> = { healthy: 'success', failed: 'failure', timeout: 'error' };

/** A clone of the env repo on the environment's branch, and the environment's path when baton.yaml names it. */
interface Opened {
  readonly repo: GitRepo;
  readonly path?: string;
}

/** Records verdicts as git notes in the env repo and mirrors them as forge commit (and deployment) statuses. */
export class GitVerdictRecorder implements VerdictRecorder {
  readonly #env: Env;
  readonly #retry: RetryPolicy;
  readonly #forge: (options: CreateForgeOptions) => Forge;
  readonly #gitLog: ((line: string) => void) | undefined;

  constructor(options: GitVerdictRecorderOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#retry = options.retry ?? NOTES_PUSH_RETRY;
    this.#forge = options.forge ?? createForge;
    this.#gitLog = options.gitLog;
  }

  /** Appends the note line on the verified commit, pushes it, and sets the commit (and deployment) status. */
  async record(request: RecordRequest): Promise<RecordOutcome> {
    const log = request.log ?? (() => {});
    const { repo, path } = await this.#open(request);
    try {
      const commit = await chooseCommit(repo, request, path, log);
      await appendAndPush(repo, commit, request, this.#retry, log);
      return { commit, ...(await this.#mirror(request, commit, repo.branch, log)) };
    } finally {
      await repo.cleanup();
    }
  }

  /** Clones the env repo (root files only) on the environment's branch, reading baton.yaml for it. */
  async #open(request: RecordRequest): Promise<Opened> {
    let repo = await this.#clone(request, request.branch);
    try {
      const config = await readConfig(repo);
      if (!config) return { repo };
      const env = namedEnvironment(config, request.env);
      if (!request.branch && env.branch && env.branch !== repo.branch) {
        await repo.cleanup();
        repo = await this.#clone(request, env.branch);
      }
      return { repo, path: env.path };
    } catch (error) {
      await repo.cleanup();
      throw error;
    }
  }

  #clone(request: RecordRequest, branch: string | undefined): Promise<GitRepo> {
    const remote = remoteOf({ repo: request.repo, token: request.token, forge: 'auto' }, this.#env);
    const clone = cloneEnvRepo({ env: this.#env, prefix: 'baton-verdict-', log: this.#gitLog });
    return clone(remote, { ...(branch ? { branch } : {}), sparsePaths: [] });
  }

  /**
   * Sets the commit status, then (on a forge that has them: GitHub) the deployment status; each is tried
   * whatever became of the other, and any failure comes back as a warning.
   */
  async #mirror(
    request: RecordRequest,
    commit: string,
    branch: string,
    log: (line: string) => void,
  ): Promise<Omit<RecordOutcome, 'commit'>> {
    const context = `baton/verify/${request.env}`;
    const forge = this.#forgeFor(request, log);
    if (!forge) return { mirrored: [] };
    if (typeof forge === 'string') return { mirrored: [], warnings: [`commit status ${context} not set: ${forge}`] };
    const { record } = request;
    const mirrored: string[] = [];
    const warnings: string[] = [];
    const description = `verify ${record.status}: ${record.message}`;
    try {
      await forge.setCommitStatus({
        sha: commit,
        state: STATE[record.status],
        context,
        description,
        ...(record.runUrl ? { targetUrl: record.runUrl } : {}),
        ref: branch,
      });
      mirrored.push(`commit status ${context}`);
    } catch (error) {
      warnings.push(`commit status ${context} not set: ${describeError(error)}`);
    }
    if (forge.setDeploymentStatus) {
      const what = `deployment status of ${request.env}`;
      try {
        await forge.setDeploymentStatus({
          sha: commit,
          environment: request.env,
          state: STATE[record.status],
          description,
          ...(record.runUrl ? { logUrl: record.runUrl } : {}),
          production: isProductionName(request.env),
        });
        mirrored.push(what);
      } catch (error) {
        warnings.push(`${what} not set: ${describeError(error)}`);
      }
    }
    return warnings.length > 0 ? { mirrored, warnings } : { mirrored };
  }

  /** The forge of the env repo; undefined when it is on none (a path, a plain git server); a string says why not. */
  #forgeFor(request: RecordRequest, log: (line: string) => void): Forge | string | undefined {
    if (!/^(https?|ssh):\/\/|^[^/\s]+@[^/\s]+:/i.test(request.repo)) return undefined;
    try {
      return this.#forge({ repoUrl: request.repo, ...(request.token ? { token: request.token } : {}), env: this.#env });
    } catch (error) {
      if (error instanceof UserError && error.input === 'forge') {
        log('no commit status: the env repo is not on a GitHub or GitLab server Baton recognises (GITHUB_SERVER_URL, CI_SERVER_URL)');
        return undefined;
      }
      return describeError(error);
    }
  }
}

/** GitHub's `production_environment` flag: only for an environment named `prod` or `production`. */
export function isProductionName(env: string): boolean {
  return /^prod(uction)?$/i.test(env);
}

/** `expected-revision` when given (it must exist), else the newest commit that touched the environment's path. */
async function chooseCommit(repo: GitRepo, request: RecordRequest, path: string | undefined, log: (line: string) => void): Promise<string> {
  if (request.revision) return revisionCommit(repo, request.revision);
  if (path === undefined) {
    log(`the env repo has no baton.yaml: recording on the head of ${repo.branch}`);
    return repo.head();
  }
  if (!(await repo.treeOf('HEAD', path))) {
    throw new UserError(
      `env: the path "${path}" of environment "${request.env}" does not exist on branch ${repo.branch}; check baton.yaml.`,
      { input: 'env' },
    );
  }
  const commit = await repo.newestCommitTouching(path);
  if (!commit) throw new Error(`no commit on ${repo.branch} touched ${path}, though it exists there`);
  return commit;
}

async function revisionCommit(repo: GitRepo, revision: string): Promise<string> {
  const full = isFullCommitId(revision);
  const found = full ? ((await repo.fetchCommit(revision)) ? revision : undefined) : await repo.findCommit(revision);
  if (found) return found;
  const where = full ? repo.remote : `branch ${repo.branch} of ${repo.remote}`;
  throw new UserError(`expected-revision: ${where} has no commit ${revision}; give an env-repo commit (bump's commit output).`, {
    input: 'expected-revision',
  });
}

/**
 * Fetches the notes ref, appends the line to the commit's note and pushes with a lease on what was
 * fetched. A rejected push means another verdict landed first: fetch its notes and append again, with
 * jittered backoff, up to the bound, so every line is kept.
 */
async function appendAndPush(
  repo: GitRepo,
  commit: string,
  request: RecordRequest,
  retry: RetryPolicy,
  log: (line: string) => void,
): Promise<void> {
  const wait = retry.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  for (let attempt = 1; ; attempt++) {
    const lease = await repo.fetchRef(request.notesRef);
    const head = await repo.appendNote(request.notesRef, commit, request.noteLine);
    if ((await repo.pushRefs([{ ref: request.notesRef, to: head, expect: lease }])) === 'pushed') return;
    if (attempt >= retry.attempts) {
      throw new TransientError(
        `push of ${request.notesRef} was rejected ${attempt} times because other verdicts landed first; run verify again.`,
      );
    }
    log(`push of ${request.notesRef} rejected (another verdict landed first); appending again (attempt ${attempt + 1})`);
    await wait(backoffDelay(retry, attempt));
  }
}
