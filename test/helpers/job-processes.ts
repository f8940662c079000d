/**
 * The processes of the runner emulator's jobs: each step's process runs in its own process group, so
 * that what a step leaves running in the background can be stopped when the job ends, as GitHub's runner
 * does ("Cleaning up orphan processes").
 */
import { spawn } from 'node:child_process';

/**
 * Process groups started by steps, per job directory. At the end of a job the runner stops every process
 * the job left running ("Cleaning up orphan processes"), so a step may start a server in the background
 * and rely on it living until the job ends.
 */
const jobProcesses = new Map<string, Set<number>>();

/** Stops every process group the job's steps started that still runs. */
export function stopJobProcesses(workspace: string): void {
  for (const group of jobProcesses.get(workspace) ?? []) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // The group is gone already: nothing was left running.
    }
  }
  jobProcesses.delete(workspace);
}

/** Runs a command to its end, output and error interleaved as the log; `workspace` names the job it belongs to. */
export function spawnLogged(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  workspace?: string,
): Promise<{ code: number; log: string }> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so that what it leaves in the background can be stopped with it.
    const child = spawn(command, args, { cwd, env, detached: workspace !== undefined });
    if (workspace !== undefined && child.pid !== undefined) {
      const groups = jobProcesses.get(workspace) ?? new Set<number>();
      groups.add(child.pid);
      jobProcesses.set(workspace, groups);
    }
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, log }));
  });
}
