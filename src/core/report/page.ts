/**
 * The report as one static HTML page: the matrix rendered here (readable with scripts off), the data for
 * the charts and timelines embedded as JSON, and a small inline script that draws them as SVG. Nothing
 * is fetched when the page is viewed: no CDN, no server, it works offline and from a Pages site alone.
 */
import type { StatusMatrix } from '../history/status.ts';
import { familiarName, parseImageRef, shortDigest } from '../image-ref.ts';
import { formatDuration } from '../promote/gate.ts';
import type { RepoLinks } from './links.ts';
import type { Deploy, ReportModel } from './model.ts';
import { PAGE_SCRIPT, PAGE_STYLE } from './page-assets.ts';

/** What the page shows. */
export interface ReportPageInput {
  readonly title: string;
  /** The env repo as given (shown without credentials). */
  readonly repo: string;
  /** ISO time the report was made (the page never reads a clock). */
  readonly generated: string;
  readonly nowMs: number;
  readonly matrix: StatusMatrix;
  readonly model: ReportModel;
  readonly links: RepoLinks;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function link(href: string | undefined, text: string, cls = ''): string {
  const c = cls ? ` class="${cls}"` : '';
  return href ? `<a${c} href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : `<span${c}>${escapeHtml(text)}</span>`;
}

/** The newest state of `env` that changed `image`: where its current value came from. */
function settingDeploy(deploys: readonly Deploy[] | undefined, image: string): Deploy | undefined {
  return [...(deploys ?? [])].reverse().find((d) => d.changes.some((c) => c.image === image));
}

function matrixHtml(input: ReportPageInput): string {
  const { matrix, model, links } = input;
  const head = matrix.environments
    .map((e) => `<th scope="col">${escapeHtml(e.name)}<small>${escapeHtml(e.branch)} · ${escapeHtml(e.path)}</small></th>`)
    .join('');
  const rows = matrix.rows.map((row) => {
    const name = familiarName(parseImageRef(row.image));
    const cells = matrix.environments.map((env) => {
      const cell = row.cells[env.name];
      if (!cell) return '<td class="cell empty">—</td>';
      const from = settingDeploy(model.deploys[env.name], row.image);
      const verdict = cell.verdict ?? 'unverified';
      const parts = [
        `<div class="version">${escapeHtml(cell.tag ?? '')}</div>`,
        cell.digest ? `<div class="digest" title="${escapeHtml(cell.digest)}">${escapeHtml(shortDigest(cell.digest))}</div>` : '',
        `<div class="facts"><span class="badge ${escapeHtml(verdict)}">${escapeHtml(verdict)}</span>`,
        cell.ageMs !== undefined ? ` <span class="age">${escapeHtml(formatAge(cell.ageMs))} ago</span>` : '',
        '</div><div class="links">',
        cell.commit ? link(links.commit(cell.commit), cell.commit.slice(0, 8), 'commit') : '',
        from?.source ? ` ${link(from.source, 'source')}` : '',
        from?.run ? ` ${link(from.run, 'run')}` : '',
        from?.request && links.request(from.request) ? ` ${link(links.request(from.request), 'PR')}` : '',
        '</div>',
        cell.hold
          ? `<div class="hold" title="${escapeHtml(cell.hold.reason)}">held by ${escapeHtml(cell.hold.actor)}: ` +
            `${escapeHtml(cell.hold.reason)}</div>`
          : '',
      ];
      return (
        `<td class="cell${cell.hold ? ' held' : ''}" data-env="${escapeHtml(env.name)}" ` +
        `data-image="${escapeHtml(name)}">${parts.join('')}</td>`
      );
    });
    return `<tr><th scope="row">${escapeHtml(name)}${row.differs ? '<small class="differs">differs</small>' : ''}</th>${cells.join('')}</tr>`;
  });
  const empty = matrix.rows.length === 0 ? '<p>No images found in any environment.</p>' : '';
  return (
    `<div class="scroll"><table id="matrix"><thead><tr><th ` +
    `scope="col">Image</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>${empty}`
  );
}

/** An age as people read it: minutes, hours or days. */
export function formatAge(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  return days >= 2 ? `${days} days` : formatDuration(ms);
}

/** The page's data for the script: metrics, lead times, timelines with links resolved. */
function pageData(input: ReportPageInput): unknown {
  const timelines = Object.fromEntries(
    Object.entries(input.model.timelines).map(([env, events]) => [
      env,
      events.map((e) => ({ ...e, ...(e.commit ? { commitUrl: input.links.commit(e.commit) } : {}) })),
    ]),
  );
  return {
    environments: input.matrix.environments.map((e) => e.name),
    metrics: input.model.metrics,
    promotion: input.model.promotion,
    timelines,
  };
}

/** JSON that can sit inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The whole page. */
export function reportPage(input: ReportPageInput): string {
  const title = escapeHtml(input.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1>${title}</h1><p>Env repo <code>${escapeHtml(input.repo)}</code> · made ${escapeHtml(input.generated)} from its history, verification notes and holds</p></header>
<main>
<section id="where"><h2>Where every version is</h2>${matrixHtml(input)}</section>
<section id="metrics"><h2>Delivery metrics per month</h2><p class="note">Deployment frequency, lead time for changes (source commit, or the version's first appearance, to verified healthy), change failure rate (failed verdicts and rollbacks over deploys) and time to restore (failed verdict to the next healthy one).</p><div id="charts"></div></section>
<section id="promotion"><h2>Promotion lead time</h2><div id="promotion-chart"></div></section>
<section id="timeline"><h2>Timeline</h2><div id="timelines"></div></section>
</main>
<script type="application/json" id="baton-data">${scriptJson(pageData(input))}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
