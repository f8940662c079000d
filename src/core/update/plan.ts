/**
 * From the versions the policies chose to the edit of one environment: where each policy's image is,
 * which choices would lower what the files hold under the policy's own order, and the byte-exact edit
 * (holds respected) of the rest. Pure: files in, a plan out.
 */
import { locateImages } from '../edit/index.ts';
import type { FileEdit, ImageSite, Pin, SkippedSite } from '../edit/types.ts';
import { UserError } from '../errors.ts';
import { familiarName, type ImageRef, parseImageRef, sameImage } from '../image-ref.ts';
import type { FoundHold } from '../rollback/holds.ts';
import { type GuardedPlan, planRespectingHolds } from '../rollback/guard.ts';
import { isPolicyDowngrade } from './strategies.ts';
import type { Choice, UpdatePolicy } from './types.ts';

/** Where Baton looks, and how Flux marker names map to images. */
export interface UpdateScope {
  /** The environment's directory, for messages. */
  readonly root: string;
  /** Flux `$imagepolicy` names → images (baton.yaml's `policies:`). */
  readonly markers: Readonly<Record<string, string>>;
}

/** Every site of each policy's image in the files; a policy whose image is nowhere is bad configuration. */
export function policySites(
  files: ReadonlyMap<string, string>,
  policies: readonly UpdatePolicy[],
  scope: UpdateScope,
): Map<string, ImageSite[]> {
  const all = [...files].flatMap(([file, text]) =>
    locateImages(file, text, { pin: 'tag', allowDowngrade: false, policies: scope.markers }),
  );
  const found = new Map<string, ImageSite[]>();
  for (const policy of policies) {
    const ref = parseImageRef(policy.image);
    const sites = all.filter((site) => sameImage(site.image, ref));
    if (sites.length === 0) {
      throw new UserError(
        `policies.${policy.name}: ${familiarName(ref)} is not found in any kustomization, manifest, Helm values file or marker under ` +
          `${scope.root}; ` +
          "check the policy's image, or add a `# baton: <image>` marker where it is written.",
        { input: `policies.${policy.name}` },
      );
    }
    found.set(policy.name, sites);
  }
  return found;
}

/** One policy's choice to write. */
export interface UpdateRequest {
  readonly policy: UpdatePolicy;
  readonly choice: Choice;
}

/** A choice left out because the files hold a version the policy ranks higher. */
export interface PolicyDowngrade {
  readonly policy: string;
  readonly site: Pick<ImageSite, 'file' | 'line'>;
  readonly current: string;
  readonly wanted: string;
}

/** The edit of one environment and what was left out. */
export interface UpdatePlan extends GuardedPlan {
  readonly downgrades: readonly PolicyDowngrade[];
  /** The requests the edit carries (downgrades and holds left out). */
  readonly requests: readonly UpdateRequest[];
}

/** The image a request writes: `name:tag`, with `@digest` for the digest strategy. */
export function requestedImage(request: UpdateRequest): ImageRef {
  const ref = parseImageRef(request.policy.image);
  return {
    registry: ref.registry,
    repository: ref.repository,
    tag: request.choice.tag,
    ...(request.choice.digest ? { digest: request.choice.digest } : {}),
  };
}

/**
 * Plans writing `requests` over the files: choices that would lower a site under the policy's order
 * are left out (unless the policy allows downgrades); the rest go through the bump editor in groups of
 * the same pin, each group planned on the text the previous one left, so one commit carries them all.
 */
export function planUpdate(
  files: ReadonlyMap<string, string>,
  requests: readonly UpdateRequest[],
  sites: ReadonlyMap<string, readonly ImageSite[]>,
  scope: UpdateScope,
): UpdatePlan {
  const downgrades: PolicyDowngrade[] = [];
  const kept = requests.filter((request) => {
    if (request.policy.allowDowngrade) return true;
    const lower = (sites.get(request.policy.name) ?? []).find(
      (site) => site.image.tag !== undefined && isPolicyDowngrade(request.policy, { tag: site.image.tag }, { tag: request.choice.tag }),
    );
    if (lower) downgrades.push({ policy: request.policy.name, site: lower, current: lower.image.tag!, wanted: request.choice.tag });
    return !lower;
  });
  const groups = new Map<string, { pin: Pin; allowDowngrade: boolean; requests: UpdateRequest[] }>();
  for (const request of kept) {
    // The editor's own downgrade check is semver's; other orders were checked above.
    const allowDowngrade = request.policy.strategy !== 'semver' || request.policy.allowDowngrade;
    const key = `${request.policy.pin}/${allowDowngrade}`;
    const group = groups.get(key) ?? { pin: request.policy.pin, allowDowngrade, requests: [] };
    group.requests.push(request);
    groups.set(key, group);
  }
  let current = new Map(files);
  const edits = new Map<string, FileEdit>();
  const skipped: SkippedSite[] = [];
  const held: FoundHold[] = [];
  const allSites = new Map<string, readonly ImageSite[]>();
  for (const group of groups.values()) {
    const plan = planRespectingHolds(current, group.requests.map(requestedImage), {
      pin: group.pin,
      allowDowngrade: group.allowDowngrade,
      overrideHold: false,
      policies: scope.markers,
      root: scope.root,
    });
    for (const edit of plan.edits) {
      const earlier = edits.get(edit.file);
      edits.set(edit.file, {
        file: edit.file,
        before: files.get(edit.file)!,
        after: edit.after,
        changes: [...(earlier?.changes ?? []), ...edit.changes],
      });
    }
    current = new Map([...current, ...plan.edits.map((edit) => [edit.file, edit.after] as const)]);
    skipped.push(...plan.skipped);
    held.push(...plan.held);
    for (const [name, found] of plan.sites) allSites.set(name, found);
  }
  const heldImages = new Set(held.map((hold) => hold.image));
  const carried = kept.filter((request) => !heldImages.has(request.policy.image));
  return {
    edits: [...edits.values()].filter((edit) => edit.after !== edit.before).sort((a, b) => (a.file < b.file ? -1 : 1)),
    sites: allSites,
    skipped,
    held,
    released: [],
    downgrades,
    requests: carried,
  };
}
