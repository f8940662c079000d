/** Stand-ins for third-party actions the runner emulator runs Baton's workflows with. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { spawnLogged } from './job-processes.ts';
import type { StandIn } from './workflow-runner.ts';

/** How the checkout stand-in gets the workflow's own repository. */
export interface CheckoutOptions {
  /** Puts the workflow's own repository into `path`; without it, it is cloned like any other. */
  readonly self?: (workspace: string, path: string) => Promise<void>;
  /** `github.token`, actions/checkout's default `token`. */
  readonly token?: string;
}

/**
 * A stand-in for `actions/checkout`: clones `repository` (default the workflow's own) at `ref` (default
 * the workflow's commit) into `path` of the workspace, with `token` as the action passes it (an
 * `http.extraHeader` through the environment, never in the URL). The test git server names
 * repositories `<owner>/<name>.git`, so `.git` is added to the URL.
 */
export function checkoutStandIn(options: CheckoutOptions = {}): StandIn {
  return async ({ with: inputs, workspace, env, log }) => {
    const path = resolve(workspace, inputs['path'] ?? '.');
    const repository = inputs['repository'] || env['GITHUB_REPOSITORY'] || '';
    if (repository === env['GITHUB_REPOSITORY'] && options.self) {
      await options.self(workspace, path);
      log(`checkout: ${repository} (the workflow's repository) into ${path}`);
      return undefined;
    }
    const url = `${env['GITHUB_SERVER_URL']}/${repository}.git`;
    const token = inputs['token'] || options.token || '';
    const ref = inputs['ref'] || (repository === env['GITHUB_REPOSITORY'] ? env['GITHUB_SHA'] : '') || 'HEAD';
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
    const gitEnv = {
      ...env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${url}.extraheader`,
      GIT_CONFIG_VALUE_0: header,
    };
    await mkdir(path, { recursive: true });
    const git = (...args: string[]) => spawnLogged('git', args, path, gitEnv);
    for (const args of [
      ['init', '-q'],
      ['remote', 'add', 'origin', url],
      ['fetch', '-q', '--depth=1', 'origin', ref],
      ['checkout', '-q', 'FETCH_HEAD'],
    ]) {
      const result = await git(...args);
      if (result.code !== 0) throw new Error(`checkout of ${repository}: git ${args[0]} failed: ${result.log}`);
    }
    log(`checkout: ${repository}@${ref} into ${path}`);
    return undefined;
  };
}
