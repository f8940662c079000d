import { spawn } from 'node:child_process';

/** How to run one program. */
export interface ExecOptions {
  readonly cwd?: string;
  /** Extra environment; merged over `process.env` unless `replaceEnv` is set. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly replaceEnv?: boolean;
  /** Written to standard input, then closed. */
  readonly input?: string | Buffer;
  /** Kill the program after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Values to hide in any text this module returns or throws (tokens, passwords). */
  readonly secrets?: readonly string[];
  /**
   * Also return standard output as the bytes the program wrote (`bytes`), unredacted and undecoded: for
   * output that is counted in bytes (`git cat-file --batch`), where decoding or redacting first would
   * shift every offset after the first invalid UTF-8 sequence or secret. The caller redacts what it
   * decodes.
   */
  readonly keepBytes?: boolean;
  /**
   * Kills the program (SIGTERM) when aborted; the result then comes as for any killed program. Already
   * aborted: nothing is started (rejects with the signal's reason).
   */
  readonly signal?: AbortSignal;
}

/** What a finished program left behind. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Standard output as written, when asked for with `keepBytes`. */
  readonly bytes?: Buffer;
}

/** A program that exited non-zero; its output is already redacted. */
export class ExecError extends Error {
  override name = 'ExecError';
  readonly result: ExecResult;
  readonly command: string;
  constructor(command: string, result: ExecResult) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n');
    super(`${command} exited with ${result.code}${detail ? `: ${detail}` : ''}`);
    this.command = command;
    this.result = result;
  }
}

/** Replaces every secret in `text` with `***`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}

/**
 * Runs a program with arguments (never through a shell) and resolves with its output, whatever the
 * exit code. The one place Baton starts a process.
 */
export function execRaw(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const env = options.replaceEnv ? { ...options.env } : { ...process.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const group = options.signal !== undefined && process.platform !== 'win32';
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(options.signal.reason);
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Why its own process group when it may be aborted: git runs helpers (git-remote-https) that a
      // SIGTERM to git alone leaves running, holding the connection and our pipes open for a minute.
      detached: group,
    });
    // Why our own timer: spawn's `timeout` is not cleared when the program cannot be started, which keeps
    // the event loop alive for the whole timeout.
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
    // Why not spawn's own `signal`: it emits an AbortError instead of the exit, and then the caller
    // cannot wait for the program to be gone (its files closed) before removing its directory.
    const kill = () => {
      try {
        if (group && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    const settled = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
    };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      settled();
      reject(error.code === 'ENOENT' ? new Error(`${file} was not found on PATH; install it and run again`, { cause: error }) : error);
    });
    child.on('close', (code, signal) => {
      settled();
      const secrets = options.secrets ?? [];
      const bytes = Buffer.concat(out);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: options.keepBytes ? '' : redact(bytes.toString('utf8'), secrets),
        stderr: redact(Buffer.concat(err).toString('utf8'), secrets),
        ...(options.keepBytes ? { bytes } : {}),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a program and throws an {@link ExecError} when it exits non-zero. */
export async function exec(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await execRaw(file, args, options);
  if (result.code !== 0) throw new ExecError(`${file} ${redact(args.join(' '), options.secrets)}`, result);
  return result;
}
