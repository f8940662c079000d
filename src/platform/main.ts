import { BATON_VERSION } from '../adapters/version.ts';
import { describeError, exitCodeFor } from '../core/errors.ts';
import { cliOnlySpecs, specFor, stepSpecs } from '../specs/index.ts';
import { cliPlatform, stepHelp } from './cli.ts';
import { gitlabPlatform } from './gitlab.ts';
import { headStarterFor } from './head-start.ts';
import { lazyStep, type StepModules } from './lazy-step.ts';
import { runStep } from './run.ts';

function usage(): string {
  const lines = ['Usage: baton <step> [options]   (baton <step> --help for its options)', '', 'Steps:'];
  for (const spec of [...stepSpecs, ...cliOnlySpecs]) lines.push(`  ${spec.name.padEnd(13)} ${spec.description}`);
  lines.push('', 'Exit codes: 0 success, 1 the step failed (verdict), 2 bad input or configuration.');
  return lines.join('\n');
}

/**
 * Entry of the `baton` command. Under a GitLab component job (`BATON_PLATFORM=gitlab`) the inputs come
 * from `BATON_INPUT_*` and outputs go to a dotenv report; otherwise from flags. Usage and a step's
 * help come from the specs; the step's module loads only when its inputs are good (start-up time).
 */
export async function cliMain(modules: StepModules, argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    process.exitCode = name === undefined ? 2 : 0;
    return;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write(`baton ${BATON_VERSION}\n`);
    return;
  }
  const module = Object.hasOwn(modules, name) ? modules[name] : undefined;
  const spec = specFor(name);
  if (!module || !spec) {
    process.stderr.write(`error: "${name}" is not a Baton step.\n\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  // Only the `baton` command starts clones early: its step bundle loads after the inputs are checked.
  const step = lazyStep(spec, module, headStarterFor(name));
  if (process.env['BATON_PLATFORM'] === 'gitlab') {
    process.exitCode = await runStep(step, gitlabPlatform(), process.env, process.cwd());
    return;
  }
  try {
    const { platform, help, flush } = cliPlatform(step.spec, rest);
    if (help) {
      process.stdout.write(`${stepHelp(step.spec)}\n`);
      return;
    }
    process.exitCode = await runStep(step, platform, process.env, process.cwd());
    flush();
  } catch (error) {
    // Flags that do not parse: with --json asked for, the error is still the one document on stdout.
    process.stderr.write(`error: ${describeError(error)}\n`);
    if (rest.includes('--json')) process.stdout.write(`${JSON.stringify({ error: describeError(error), exitCode: exitCodeFor(error) })}\n`);
    process.exitCode = exitCodeFor(error);
  }
}
