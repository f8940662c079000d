/** build-push wired to the real builders, registries, git and clock. */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gitSourceContext } from '../../adapters/builders/git-source.ts';
import { createBuilders } from '../../adapters/builders/select.ts';
import { contextTree } from '../../adapters/builders/source-tree.ts';
import { RegistryClient } from '../../adapters/registry/registry-client.ts';
import type { GithubEvent } from '../../core/build/source-context.ts';
import { type BuildPushDeps, makeTempDir } from './step.ts';

/** Reads the GitHub event payload named by `GITHUB_EVENT_PATH` (none outside GitHub, or when unreadable). */
async function readGithubEvent(env: Readonly<Record<string, string | undefined>>): Promise<GithubEvent | undefined> {
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as GithubEvent;
  } catch {
    return undefined;
  }
}

/** The real side effects. */
export function defaultBuildPushDeps(): BuildPushDeps {
  return {
    registry: (options) => new RegistryClient(options),
    builders: createBuilders,
    tempDir: (env) => makeTempDir(env, tmpdir()),
    clock: () => Date.now(),
    now: () => new Date(),
    readEvent: readGithubEvent,
    gitSource: gitSourceContext,
    contextTree,
  };
}
