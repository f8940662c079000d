/**
 * Snippets in Markdown that are copies of files: a block between `<!-- snippet: <path> -->` and
 * `<!-- /snippet -->` holds the file at <path> (relative to the repository root) as a fenced code block.
 * The README's workflow and pipeline are such copies of examples/, which the e2e tests run: one source.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const SNIPPET_RE = /<!-- snippet: (\S+) -->\n```(\w*)\n[\s\S]*?```\n<!-- \/snippet -->/g;

/** The paths a page copies, in order. */
export function snippetPaths(page: string): string[] {
  return [...page.matchAll(SNIPPET_RE)].map((match) => match[1]!);
}

/** The page with every snippet block holding its file's current content. */
export async function syncSnippets(page: string, root: string): Promise<string> {
  const contents = new Map<string, string>();
  for (const path of snippetPaths(page)) contents.set(path, await readFile(join(root, path), 'utf8'));
  return page.replace(SNIPPET_RE, (_, path: string, lang: string) => {
    const text = contents.get(path)!;
    return `<!-- snippet: ${path} -->\n\`\`\`${lang}\n${text.endsWith('\n') ? text : `${text}\n`}\`\`\`\n<!-- /snippet -->`;
  });
}
