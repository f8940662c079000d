/**
 * The report's model, from an env repo's history alone: per environment the states it ran (deploys,
 * promotions, rollbacks), the verdicts verify noted, holds placed and released, and the four delivery
 * metrics per month. Pure: commits, texts and the clock come in.
 */
import { type PathCommit, parseTrailers } from '../history/states.ts';
import type { ImageRef } from '../image-ref.ts';
import { parseVerdictNote, type VerdictRecord } from '../verify/verdict-note.ts';

/** One commit that touched an environment's path, with what the files then held. */
export interface ReportCommit extends PathCommit {
  /** Canonical image name → reference in the files at this commit. */
  readonly images: ReadonlyMap<string, ImageRef>;
  /** Images held (rollback holds) in the files at this commit. */
  readonly held: readonly string[];
  /** The note under refs/notes/baton on this commit, if any. */
  readonly note?: string;
}

/** One environment's history, oldest commit first. */
export interface EnvInput {
  readonly name: string;
  readonly promoteFrom?: string;
  readonly commits: readonly ReportCommit[];
}

/** How a state came about. */
export type DeployKind = 'deploy' | 'promotion' | 'rollback';

/** One image version a state changed. */
export interface VersionChange {
  readonly image: string;
  readonly from?: string;
  readonly to: string;
}

/** A state of an environment: the commit that changed image versions, and what came of it. */
export interface Deploy {
  readonly env: string;
  readonly commit: string;
  readonly time: string;
  readonly kind: DeployKind;
  readonly changes: readonly VersionChange[];
  readonly author: string;
  readonly subject: string;
  /** From the trailers: the source commit, the CI run, the environment promoted from. */
  readonly source?: string;
  readonly run?: string;
  readonly promotedFrom?: string;
  readonly reason?: string;
  /** The message line naming the PR/MR that carried it (a merge or squash of one), for links. */
  readonly request?: string;
  /** Verdicts for this environment noted while this state was current, oldest first. */
  readonly verdicts: readonly VerdictRecord[];
  /** A verdict failed on it, or the next state rolled it back. */
  readonly failed: boolean;
  /** Source commit (or first appearance of the version) to the first healthy verdict here. */
  readonly leadMs?: number;
}

/** One line of an environment's timeline. */
export interface TimelineEvent {
  readonly time: string;
  readonly kind: DeployKind | 'verdict' | 'hold' | 'release';
  readonly commit?: string;
  readonly text: string;
  /** Verdicts: healthy, failed or timeout. */
  readonly status?: string;
  readonly link?: string;
}

/** The delivery metrics of one environment in one month (UTC, `YYYY-MM`). */
export interface MonthMetrics {
  readonly month: string;
  /** Deploys and promotions (rollbacks are not deployments of a change). */
  readonly deployments: number;
  /** Median lead time for changes of the month's deploys that were verified healthy. */
  readonly leadTimeMs: number | null;
  /** Failed deploys (failed verdict or rolled back) over deployments. */
  readonly changeFailureRate: number | null;
  /** Median time from a failed verdict to the next healthy verdict, of failures that began this month. */
  readonly timeToRestoreMs: number | null;
  readonly failures: number;
}

/** How long versions took from one environment to the next. */
export interface PromotionLead {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly medianMs: number | null;
}

/** Everything the report shows besides the status matrix. */
export interface ReportModel {
  readonly deploys: Readonly<Record<string, readonly Deploy[]>>;
  readonly timelines: Readonly<Record<string, readonly TimelineEvent[]>>;
  readonly metrics: Readonly<Record<string, readonly MonthMetrics[]>>;
  readonly promotion: readonly PromotionLead[];
}

/** The version as the report names it: tag, else digest (a version key for lead times). */
export function versionText(ref: ImageRef): string {
  return ref.tag ?? ref.digest ?? '?';
}

function versionKey(image: string, ref: ImageRef): string {
  return `${image}@${ref.digest ?? ref.tag ?? ''}`;
}

/** The median of numbers, null when there are none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `YYYY-MM` of an ISO time, in UTC. */
export function monthOf(time: string): string {
  return new Date(Date.parse(time)).toISOString().slice(0, 7);
}

/** How GitHub and GitLab name a merged PR/MR in the commit message. */
const REQUEST_RE = /^Merge pull request #\d+.*$|^See merge request \S+!\d+$|^.*\(#\d+\)$/m;

interface Working extends Omit<Deploy, 'verdicts' | 'failed' | 'leadMs'> {
  verdicts: VerdictRecord[];
  rolledBack: boolean;
  keys: string[];
  sourceTime?: number;
}

/** The states of one environment, oldest first, with the verdicts noted while each was current. */
function statesOf(env: EnvInput): { states: Working[]; holds: TimelineEvent[] } {
  const states: Working[] = [];
  const holds: TimelineEvent[] = [];
  let before: ReadonlyMap<string, ImageRef> = new Map();
  let heldBefore = new Set<string>();
  for (const c of env.commits) {
    const changes: VersionChange[] = [];
    const keys: string[] = [];
    for (const [image, ref] of c.images) {
      const old = before.get(image);
      if (old && old.tag === ref.tag && old.digest === ref.digest) continue;
      changes.push({ image, ...(old ? { from: versionText(old) } : {}), to: versionText(ref) });
      keys.push(versionKey(image, ref));
    }
    before = c.images;
    if (changes.length > 0) {
      const trailers = parseTrailers(c.message);
      const first = (key: string) => trailers.get(key)?.[0];
      const kind: DeployKind = trailers.has('Baton-Rollback') ? 'rollback' : trailers.has('Baton-Promoted-From') ? 'promotion' : 'deploy';
      if (kind === 'rollback' && states.length > 0) states.at(-1)!.rolledBack = true;
      const sourceTime = Date.parse(first('Baton-Source-Time') ?? '');
      const optional = {
        source: first('Baton-Source'),
        run: first('Baton-Run'),
        promotedFrom: first('Baton-Promoted-From')?.split('@')[0],
        reason: first('Baton-Reason'),
        request: REQUEST_RE.exec(c.message)?.[0],
      };
      states.push({
        env: env.name,
        commit: c.commit,
        time: c.time,
        kind,
        changes,
        author: first('Baton-Actor') ?? c.author,
        subject: c.subject,
        ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
        verdicts: [],
        rolledBack: false,
        keys,
        ...(Number.isFinite(sourceTime) ? { sourceTime } : {}),
      });
    }
    const held = new Set(c.held);
    for (const image of held)
      if (!heldBefore.has(image)) holds.push({ time: c.time, kind: 'hold', commit: c.commit, text: `hold placed on ${image}` });
    for (const image of heldBefore)
      if (!held.has(image)) holds.push({ time: c.time, kind: 'release', commit: c.commit, text: `hold released on ${image}` });
    heldBefore = held;
    const current = states.at(-1);
    if (current && c.note) current.verdicts.push(...parseVerdictNote(c.note).filter((v) => v.env === env.name));
  }
  for (const state of states) state.verdicts.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return { states, holds };
}

/** When each version first appeared in any environment (the origin of its lead time without a source time). */
function firstSeen(all: readonly Working[][]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const states of all) {
    for (const state of states) {
      const at = state.sourceTime ?? Date.parse(state.time);
      for (const key of state.keys) seen.set(key, Math.min(seen.get(key) ?? Number.POSITIVE_INFINITY, at));
    }
  }
  return seen;
}

function finish(state: Working, seen: ReadonlyMap<string, number>): Deploy {
  const { rolledBack, keys, sourceTime: _, ...rest } = state;
  const failed = rolledBack || state.verdicts.some((v) => v.status !== 'healthy');
  const healthy = state.verdicts.find((v) => v.status === 'healthy');
  const origin = Math.min(...keys.map((key) => seen.get(key) ?? Date.parse(state.time)));
  const leadMs = healthy && state.kind !== 'rollback' ? Date.parse(healthy.time) - origin : undefined;
  return { ...rest, failed, ...(leadMs !== undefined ? { leadMs } : {}) };
}

/** Failures (a failed verdict after a healthy one, or the first) and when the next healthy verdict came. */
export function incidents(verdicts: readonly VerdictRecord[]): { start: string; restoredMs?: number }[] {
  const found: { start: string; restoredMs?: number }[] = [];
  let open: string | undefined;
  for (const v of [...verdicts].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) {
    if (v.status !== 'healthy' && open === undefined) open = v.time;
    else if (v.status === 'healthy' && open !== undefined) {
      found.push({ start: open, restoredMs: Date.parse(v.time) - Date.parse(open) });
      open = undefined;
    }
  }
  if (open !== undefined) found.push({ start: open });
  return found;
}

function monthlyMetrics(deploys: readonly Deploy[]): MonthMetrics[] {
  const months = new Map<string, { deploys: Deploy[]; restores: number[]; failures: number }>();
  const month = (key: string) => months.get(key) ?? months.set(key, { deploys: [], restores: [], failures: 0 }).get(key)!;
  for (const d of deploys) if (d.kind !== 'rollback') month(monthOf(d.time)).deploys.push(d);
  for (const incident of incidents(deploys.flatMap((d) => d.verdicts))) {
    const m = month(monthOf(incident.start));
    m.failures += 1;
    if (incident.restoredMs !== undefined) m.restores.push(incident.restoredMs);
  }
  return [...months.keys()].sort().map((key) => {
    const m = months.get(key)!;
    const n = m.deploys.length;
    return {
      month: key,
      deployments: n,
      leadTimeMs: median(m.deploys.flatMap((d) => (d.leadMs !== undefined ? [d.leadMs] : []))),
      changeFailureRate: n ? m.deploys.filter((d) => d.failed).length / n : null,
      timeToRestoreMs: median(m.restores),
      failures: m.failures,
    };
  });
}

function promotionLeads(envs: readonly EnvInput[], deploys: Readonly<Record<string, readonly Deploy[]>>): PromotionLead[] {
  const arrivals = (env: string) => {
    const at = new Map<string, number>();
    for (const d of deploys[env] ?? []) {
      if (d.kind === 'rollback') continue;
      for (const c of d.changes) {
        const key = `${c.image}@${c.to}`;
        if (!at.has(key)) at.set(key, Date.parse(d.time));
      }
    }
    return at;
  };
  return envs
    .filter((env) => env.promoteFrom && deploys[env.promoteFrom])
    .map((env) => {
      const from = arrivals(env.promoteFrom!);
      const gaps = [...arrivals(env.name)].flatMap(([key, at]) => (from.has(key) && at >= from.get(key)! ? [at - from.get(key)!] : []));
      return { from: env.promoteFrom!, to: env.name, count: gaps.length, medianMs: median(gaps) };
    });
}

function timelineOf(deploys: readonly Deploy[], holds: readonly TimelineEvent[]): TimelineEvent[] {
  const events: TimelineEvent[] = [...holds];
  for (const d of deploys) {
    const what = d.changes.map((c) => `${c.image} ${c.from ? `${c.from} → ` : ''}${c.to}`).join(', ');
    const text =
      d.kind === 'rollback'
        ? `rollback: ${what}${d.reason ? ` (${d.reason})` : ''}`
        : d.kind === 'promotion'
          ? `promotion from ${d.promotedFrom}: ${what}`
          : `deploy: ${what}`;
    events.push({ time: d.time, kind: d.kind, commit: d.commit, text, ...(d.source ? { link: d.source } : {}) });
    for (const v of d.verdicts)
      events.push({
        time: v.time,
        kind: 'verdict',
        commit: d.commit,
        status: v.status,
        text: `${v.status}: ${v.message || v.reason}`,
        ...(v.runUrl ? { link: v.runUrl } : {}),
      });
  }
  return events.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

/** Builds the model from every environment's history. */
export function reportModel(envs: readonly EnvInput[]): ReportModel {
  const read = envs.map((env) => statesOf(env));
  const seen = firstSeen(read.map((r) => r.states));
  const deploys: Record<string, Deploy[]> = {};
  const timelines: Record<string, TimelineEvent[]> = {};
  const metrics: Record<string, MonthMetrics[]> = {};
  envs.forEach((env, i) => {
    const list = read[i]!.states.map((state) => finish(state, seen));
    deploys[env.name] = list;
    timelines[env.name] = timelineOf(list, read[i]!.holds);
    metrics[env.name] = monthlyMetrics(list);
  });
  return { deploys, timelines, metrics, promotion: promotionLeads(envs, deploys) };
}
