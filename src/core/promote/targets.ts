/** Which environment promotes into which: `from`/`to` inputs checked against baton.yaml. Pure. */
import { CONFIG_FILE, type EnvRepoConfig, type Environment, namedEnvironment } from '../env-config.ts';
import { UserError } from '../errors.ts';

/** One promotion: the source environment and the target. */
export interface PromotionPair {
  readonly from: Environment;
  readonly to: Environment;
}

/**
 * Refuses a `promote-from` chain that comes back to where it started (`a → b → a`): such a config has
 * no first environment, and a promotion along it could go round for ever.
 */
export function checkPromoteChains(config: EnvRepoConfig): void {
  for (const start of config.environments.values()) {
    const path = [start.name];
    for (let env = start.promoteFrom; env !== undefined; env = config.environments.get(env)?.promoteFrom) {
      if (path.includes(env)) {
        const cycle = [...path.slice(path.indexOf(env)), env].reverse().join(' → ');
        throw new UserError(
          `${CONFIG_FILE}: promote-from forms a cycle (${cycle}); an environment cannot promote from itself, even through others.`,
          {
            input: CONFIG_FILE,
          },
        );
      }
      path.push(env);
    }
  }
}

/**
 * The promotions asked for: each `to` from `from`, or from its `promote-from` in baton.yaml. Refuses an
 * unknown environment, a target without a source, a source equal to its target, a repeated target
 * and a cycle in `promote-from`.
 */
export function promotionPairs(config: EnvRepoConfig | undefined, from: string | undefined, to: readonly string[]): PromotionPair[] {
  if (!config) {
    throw new UserError(`to: promote needs ${CONFIG_FILE} at the env repo root naming the environments (and where they live).`, {
      input: 'to',
    });
  }
  if (to.length === 0) throw new UserError('to: name the environment(s) to promote into.', { input: 'to' });
  checkPromoteChains(config);
  const dup = to.find((name, i) => to.indexOf(name) !== i);
  if (dup) throw new UserError(`to: "${dup}" is given twice.`, { input: 'to' });
  return to.map((name) => {
    const target = namedEnvironment(config, name, 'to');
    const sourceName = from ?? target.promoteFrom;
    if (!sourceName) {
      throw new UserError(
        `from: "${name}" has no promote-from in ${CONFIG_FILE}; give from, or add promote-from to environments.${name}.`,
        { input: 'from' },
      );
    }
    const source = namedEnvironment(config, sourceName, 'from');
    if (source.name === target.name)
      throw new UserError(`from: "${source.name}" is also the target; promote from another environment.`, { input: 'from' });
    if (source.path === target.path && (source.branch ?? '') === (target.branch ?? '')) {
      throw new UserError(`from: "${source.name}" and "${target.name}" are the same directory (${source.path}) on the same branch.`, {
        input: 'from',
      });
    }
    return { from: source, to: target };
  });
}
