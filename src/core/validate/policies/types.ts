import type { LevelSetting, RawFinding, Resource } from '../types.ts';

/** One policy: an id, a default level, a fix hint, and a check over one resource or all of them. */
export interface PolicyRule {
  readonly id: string;
  readonly title: string;
  readonly defaultLevel: LevelSetting;
  readonly fix: string;
  /** Checks one resource; `state` lives for one run, for rules that compare resources (duplicates). */
  check(resource: Resource, state: PolicyState): RawFinding[];
}

/** Memory of one run shared by the rules: what each rule has seen so far. */
export interface PolicyState {
  readonly seen: Map<string, string>;
}

/** A finding of `rule` about `resource` at `pointer` (relative to the object). */
export function finding(rule: PolicyRule, resource: Resource, pointer: string, message: string, key = false): RawFinding {
  return { rule: rule.id, message, fix: rule.fix, location: resource.locate(pointer, key), resource: resource.id };
}
