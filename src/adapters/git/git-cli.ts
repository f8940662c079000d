import { TransientError, UserError } from '../../core/errors.ts';
import { ExecError, type ExecResult, execRaw, redact } from '../exec.ts';
import { type RetryPolicy, withRetry } from '../retry.ts';
import { authFor, type ConfigEntry } from './git-auth.ts';
import { classifyFailure, type FailureContext } from './git-errors.ts';
import { signingConfig } from './git-signing-config.ts';
import { describeRemote, type ResolvedRemote } from './git-url.ts';

/** Oldest git Baton runs with: `GIT_CONFIG_COUNT` (credentials in the environment) arrived in 2.31. */
export const MIN_GIT_VERSION = [2, 31, 0] as const;

/** Network verbs are retried this way unless the caller says otherwise (three attempts, jittered). */
export const NETWORK_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 };

/** Network commands get this long before they are killed; a stalled transfer also aborts (see below). */
const NETWORK_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Settings that make git behave the same whatever the user's global config says (the system config is
 * skipped entirely with `GIT_CONFIG_NOSYSTEM`). `HOME` stays, so proxies and CA settings still apply.
 */
const HARDENING: readonly ConfigEntry[] = [
  ['core.hooksPath', '/dev/null'],
  ['core.autocrlf', 'false'],
  ['core.fsmonitor', 'false'],
  ['index.sparse', 'false'],
  ['commit.gpgSign', 'false'],
  ['push.gpgSign', 'false'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['submodule.recurse', 'false'],
  ['protocol.version', '2'],
  ['advice.detachedHead', 'false'],
];

/** Variables that would point git at another repository or feed it other config; never inherited. */
const CLEARED = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CURL_VERBOSE',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'SSH_ASKPASS',
];

/** How to run one git command. */
export interface GitRunOptions {
  readonly cwd?: string;
  readonly input?: string | Buffer;
  /** Extra variables for this command only (commit identity). */
  readonly env?: Readonly<Record<string, string>>;
  /** Standard output as bytes in `bytes` (see `ExecOptions.keepBytes`); `stdout` is then empty. */
  readonly keepBytes?: boolean;
}

/** How to run one network command. */
export interface GitNetworkOptions extends GitRunOptions {
  /** Says a non-zero exit is an answer, not a failure (a push whose output reports a rejection). */
  readonly accept?: (result: ExecResult) => boolean;
}

/** Options for {@link GitCli}. */
export interface GitCliOptions {
  /** The one remote this runner authenticates to. */
  readonly remote: ResolvedRemote;
  /** Receives every command line and event, already redacted. */
  readonly log?: (line: string) => void;
  /** How network verbs are retried; {@link NETWORK_RETRY} when omitted. */
  readonly retry?: RetryPolicy;
  /**
   * Signing settings passed through the hardened environment (see git-signing.ts); {@link GitCli.create}
   * reads them from the caller's environment and git config when omitted.
   */
  readonly signing?: readonly ConfigEntry[];
  /** Kills whatever git process this runner has running when aborted (a head start nobody took). */
  readonly signal?: AbortSignal;
}

/**
 * The one way the adapter runs git (like actions/checkout's git-command-manager): a hardened environment
 * built once, credentials only in that environment, every output redacted, failures of network verbs
 * classified and retried.
 */
export class GitCli {
  /** The remote this runner's credentials are for. */
  readonly remote: ResolvedRemote;
  /** Values that never appear in anything this class returns, throws or logs. */
  readonly secrets: readonly string[];
  /** True when the commits (and notes) this runner writes are signed. */
  readonly signs: boolean;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #options: GitCliOptions;
  readonly #log: (line: string) => void;
  readonly #retry: RetryPolicy;

  /** Checks the git version and reads the signing settings (once per process, side by side), and builds the environment. */
  static async create(options: GitCliOptions): Promise<GitCli> {
    return new GitCli({ signing: await GitCli.checks(), ...options });
  }

  /**
   * Starts the checks {@link create} waits for: git's version and the signing settings, each one git
   * process, once per process. A caller with a command that writes nothing (a clone) runs it with a
   * runner from {@link unsigned} while these run, then takes {@link withSigning} of what they found.
   * The version check's failure wins (it says what to install), so the other's is awaited only after it.
   */
  static checks(): Promise<readonly ConfigEntry[]> {
    signingCheck ??= signingConfig().catch((error: unknown) => {
      signingCheck = undefined;
      throw error;
    });
    const signing = signingCheck;
    signing.catch(() => {});
    const both = ensureGitVersion().then(() => signing);
    both.catch(() => {});
    return both;
  }

  /** A runner that signs nothing, for commands that write no commit while {@link checks} run. */
  static unsigned(options: GitCliOptions): GitCli {
    return new GitCli({ ...options, signing: [] });
  }

  /** The same runner with these signing settings (see {@link checks}). */
  withSigning(signing: readonly ConfigEntry[]): GitCli {
    return new GitCli({ ...this.#options, signing });
  }

  /** Prefer {@link GitCli.create}, which checks the git version first. */
  constructor(options: GitCliOptions) {
    const auth = authFor(options.remote);
    this.remote = options.remote;
    this.#options = options;
    this.secrets = auth.secrets;
    // Signing comes last: its `commit.gpgsign=true` overrides the hardening's off (the last value wins).
    this.#env = hardenedEnv([...HARDENING, ...auth.config, ...(options.signing ?? [])]);
    this.signs = (options.signing ?? []).length > 0;
    this.#log = options.log ?? (() => {});
    this.#retry = options.retry ?? NETWORK_RETRY;
  }

  /** The same runner for another URL of the same remote (a corrected URL). */
  withRemote(remote: ResolvedRemote): GitCli {
    return new GitCli({ ...this.#options, remote });
  }

  /** Logs a line through the caller's log hook, redacted. */
  log(line: string): void {
    this.#log(redact(describeRemote(line), this.secrets));
  }

  /** Runs git and resolves with its result whatever the exit code. */
  async raw(args: readonly string[], options: GitRunOptions = {}): Promise<ExecResult> {
    this.log(`git ${args.join(' ')}`);
    return execRaw('git', args, {
      cwd: options.cwd,
      input: options.input,
      env: options.env ? { ...this.#env, ...options.env } : this.#env,
      secrets: this.secrets,
      timeoutMs: NETWORK_TIMEOUT_MS,
      ...(this.#options.signal ? { signal: this.#options.signal } : {}),
      ...(options.keepBytes ? { keepBytes: true } : {}),
    });
  }

  /** Runs a local git command; throws {@link ExecError} (redacted) when it fails. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<ExecResult> {
    const result = await this.raw(args, options);
    if (result.code !== 0) throw this.#execError(args, result);
    return result;
  }

  /**
   * Runs a command that talks to the remote: failures become {@link UserError} (auth, missing repo or
   * branch: never retried) or {@link TransientError} (network: retried with jitter within the bound).
   */
  async network(
    args: readonly string[],
    context: Omit<FailureContext, 'remote' | 'hasToken'>,
    options: GitNetworkOptions = {},
  ): Promise<ExecResult> {
    const full: FailureContext = { ...context, remote: this.remote.display, hasToken: Boolean(this.remote.token) };
    return withRetry(
      this.#retry,
      async (attempt) => {
        if (attempt > 1) this.log(`retrying git ${context.verb} (attempt ${attempt} of ${this.#retry.attempts})`);
        const result = await this.raw(args, options);
        if (result.code === 0 || options.accept?.(result)) return result;
        throw classifyFailure(result, full, this.#execError(args, result));
      },
      (error) => error instanceof TransientError,
    );
  }

  #execError(args: readonly string[], result: ExecResult): ExecError {
    return new ExecError(redact(describeRemote(`git ${args.join(' ')}`), this.secrets), result);
  }
}

function hardenedEnv(config: readonly ConfigEntry[]): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    LC_ALL: 'C',
    LANGUAGE: undefined,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GCM_INTERACTIVE: 'never',
    // An askpass that answers nothing: whatever helper the user's session set (an IDE's, ssh's) is not
    // asked, and a missing credential fails at once instead of waiting for input.
    GIT_ASKPASS: 'true',
    SSH_ASKPASS_REQUIRE: 'never',
    GIT_TRACE_REDACT: '1',
    // Paths Baton passes are file names, never patterns (`*`, `:(glob)` stay literal).
    GIT_LITERAL_PATHSPECS: '1',
    // Abort transfers that stall below 1 KB/s for a minute, so a hung connection becomes a retryable
    // "Operation too slow" instead of a job that runs until the CI timeout.
    GIT_HTTP_LOW_SPEED_LIMIT: '1000',
    GIT_HTTP_LOW_SPEED_TIME: '60',
    GIT_CONFIG_COUNT: String(config.length),
  };
  for (const name of CLEARED) env[name] = undefined;
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

let versionCheck: Promise<void> | undefined;
let signingCheck: Promise<readonly ConfigEntry[]> | undefined;

/** Fails with what to install when git is missing or older than {@link MIN_GIT_VERSION}. Runs once. */
export function ensureGitVersion(): Promise<void> {
  versionCheck ??= checkVersion().catch((error: unknown) => {
    versionCheck = undefined;
    throw error;
  });
  return versionCheck;
}

async function checkVersion(): Promise<void> {
  const wanted = MIN_GIT_VERSION.join('.');
  const result = await execRaw('git', ['version'], { env: { LC_ALL: 'C' } }).catch((cause: unknown) => {
    throw new UserError(`git was not found on PATH; Baton needs git ${wanted} or later. Install git and run again.`, {
      cause,
    });
  });
  const found = parseGitVersion(result.stdout);
  if (!found || compareVersions(found, MIN_GIT_VERSION) < 0) {
    throw new UserError(
      `Baton needs git ${wanted} or later (found "${result.stdout.trim()}"): install a newer git ` +
        '(e.g. a current distribution package or git-scm.com) and put it first on PATH.',
    );
  }
}

/** `git version 2.39.5` (also `2.39.5.windows.1`, `2.39.5 (Apple Git-143)`) as numbers. */
export function parseGitVersion(text: string): [number, number, number] | undefined {
  const match = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
