/** The words of an update: commit message, PR/MR title and body, the job summary and the `updates` output. */
import type { ChangeOrigin } from '../../core/change-text.ts';
import { familiarName, parseImageRef, shortDigest } from '../../core/image-ref.ts';
import { registryLink } from '../../core/update/links.ts';
import type { UpdatePlan } from '../../core/update/plan.ts';

/** One update as the `updates` output lists it. */
export interface UpdateRecord {
  readonly env: string;
  readonly policy: string;
  readonly image: string;
  readonly old: string;
  readonly new: string;
  readonly link: string;
}

function label(tag: string | undefined, digest: string | undefined): string {
  if (tag && digest) return `${tag}@${shortDigest(digest)}`;
  return tag ?? (digest ? shortDigest(digest) : '—');
}

/** The updates a plan carries, one per policy whose image changed somewhere. */
export function updateRecords(envName: string, plan: UpdatePlan): UpdateRecord[] {
  const changes = plan.edits.flatMap((edit) => edit.changes);
  return plan.requests.flatMap((request) => {
    const changed = changes.filter((change) => change.image === request.policy.image);
    if (changed.length === 0) return [];
    const first = changed[0]!;
    const ref = parseImageRef(request.policy.image);
    return [
      {
        env: envName,
        policy: request.policy.name,
        image: familiarName(ref),
        old: label(first.oldTag, first.oldDigest),
        new: label(request.choice.tag, request.choice.digest),
        link: registryLink(ref, request.choice.tag),
      },
    ];
  });
}

/** `staging: update podinfo to 6.5.1` or `staging: update 3 images`. */
export function updateTitle(envName: string, records: readonly UpdateRecord[]): string {
  if (records.length === 1) return `${envName}: update ${records[0]!.image} to ${records[0]!.new}`;
  return `${envName}: update ${records.length} images`;
}

/** The commit message: title, one line per changed value, trailers. */
export function updateMessage(envName: string, records: readonly UpdateRecord[], plan: UpdatePlan, origin: ChangeOrigin): string {
  const body = plan.edits
    .flatMap((edit) => edit.changes)
    .map((c) => `- ${c.file}:${c.line} ${c.field}: ${c.old ?? '(none)'} -> ${c.new ?? '(removed)'}`);
  const trailers = [
    ...records.map((r) => `Baton-Image: ${r.image}:${r.new}`),
    ...records.map((r) => `Baton-Policy: ${r.policy}`),
    `Baton-Env: ${envName}`,
    ...(origin.runUrl ? [`Baton-Run: ${origin.runUrl}`] : []),
  ];
  return `${updateTitle(envName, records)}\n\n${body.join('\n')}\n\n${trailers.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The PR/MR body: every image old → new with a link to its tags, and where it is written. */
export function updateBody(envName: string, records: readonly UpdateRecord[], plan: UpdatePlan, origin: ChangeOrigin): string {
  const where = (image: string) =>
    plan.edits
      .flatMap((edit) => edit.changes)
      .filter((c) => familiarName(parseImageRef(c.image)) === image)
      .map((c) => `\`${cell(c.file)}:${c.line}\``)
      .join(', ');
  const rows = records.map(
    (r) => `| [\`${cell(r.image)}\`](${r.link}) | \`${cell(r.old)}\` | \`${cell(r.new)}\` | \`${cell(r.policy)}\` | ${where(r.image)} |`,
  );
  return [
    `Baton updates **${envName}** to the newest versions its policies allow.`,
    '',
    '| Image | Old | New | Policy | Where |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(origin.runUrl ? [`- Run: ${origin.runUrl}`, ''] : []),
    '<sub>Opened by Baton update. A later run updates this request in place.</sub>',
  ].join('\n');
}

/** A line per left-out choice, for logs and the summary. */
export function leftOut(plan: UpdatePlan): string[] {
  return [
    ...plan.downgrades.map(
      (d) =>
        `${d.site.file}:${d.site.line}: kept ${d.current}; policy ${d.policy} ranks it above ${d.wanted} (set allow-downgrade on the ` +
        `policy to write it).`,
    ),
    ...plan.skipped.map((s) => `${s.file}:${s.line}: kept ${s.current}, newer than ${s.wanted}.`),
    ...plan.held.map(
      (h) => `${h.file}:${h.line}: ${familiarName(parseImageRef(h.image))} is held by a rollback (${h.reason}); not updated.`,
    ),
  ];
}
