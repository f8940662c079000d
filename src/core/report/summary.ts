/**
 * The report's job summary: the status matrix, this month's delivery metrics per environment and a
 * Mermaid timeline of the latest changes (GitHub and GitLab both render Mermaid in Markdown).
 */
import { statusMarkdown, type StatusMatrix } from '../history/status.ts';
import { familiarName, parseImageRef } from '../image-ref.ts';
import type { ReportModel, TimelineEvent } from './model.ts';
import { formatAge } from './page.ts';

/** How many of the newest events per environment the Mermaid timeline shows. */
const TIMELINE_EVENTS = 8;

/** Text Mermaid's timeline reads as one event (`:` separates events, `#` and `;` end statements). */
function mermaidText(text: string): string {
  return text
    .replace(/[:#;\n]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function shortImages(text: string): string {
  return text.replace(/[a-z0-9.-]+(?::\d+)?\/[\w./-]+/g, (name) => {
    try {
      return familiarName(parseImageRef(name)).split('/').pop() ?? name;
    } catch {
      return name;
    }
  });
}

/** A Mermaid timeline: one section per environment, its newest events oldest first. */
export function mermaidTimeline(envs: readonly string[], timelines: Readonly<Record<string, readonly TimelineEvent[]>>): string {
  const lines = ['```mermaid', 'timeline', '    title Latest changes per environment'];
  for (const env of envs) {
    const events = (timelines[env] ?? [])
      .filter((e) => e.kind !== 'verdict' || e.status !== 'healthy')
      .slice(0, TIMELINE_EVENTS)
      .reverse();
    if (events.length === 0) continue;
    lines.push(`    section ${mermaidText(env)}`);
    for (const e of events)
      lines.push(`        ${e.time.slice(0, 16).replace('T', ' ').replace(':', 'h')} : ${mermaidText(shortImages(e.text))}`);
  }
  lines.push('```');
  return lines.join('\n');
}

function pct(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

function dur(value: number | null): string {
  return value === null ? '—' : formatAge(value);
}

/** The whole job summary. */
export function reportMarkdown(matrix: StatusMatrix, model: ReportModel, pageNote: string): string {
  const envs = matrix.environments.map((e) => e.name);
  const metrics = [
    '',
    '### Delivery metrics (latest month)',
    '',
    '| Environment | Month | Deployments | Lead time | Change failure rate | Time to restore |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const env of envs) {
    const m = model.metrics[env]?.at(-1);
    if (m)
      metrics.push(
        `| ${env} | ${m.month} | ${m.deployments} | ${dur(m.leadTimeMs)} | ${pct(m.changeFailureRate)} | ${dur(m.timeToRestoreMs)} |`,
      );
  }
  const promotion = model.promotion.map((p) => `- ${p.from} → ${p.to}: ${dur(p.medianMs)} median over ${p.count} version(s)`);
  return [
    statusMarkdown(matrix),
    ...metrics,
    ...(promotion.length ? ['', '### Promotion lead time', '', ...promotion] : []),
    '',
    mermaidTimeline(envs, model.timelines),
    '',
    pageNote,
  ].join('\n');
}
