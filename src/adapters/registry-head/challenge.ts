/** The parts of a `WWW-Authenticate` challenge a HEAD needs: scheme and parameters. */
export interface AuthChallenge {
  readonly scheme: 'bearer' | 'basic' | 'other';
  readonly params: Readonly<Record<string, string>>;
}

const PARAM_RE = /([A-Za-z][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;

/**
 * Parses the first challenge of a `WWW-Authenticate` header (distribution's token auth sends one:
 * `Bearer realm="…",service="…",scope="…"`). The full client's RFC 9110 parser replaces this on merge.
 */
export function parseAuthChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const params: Record<string, string> = {};
  for (const m of match[2]!.matchAll(PARAM_RE)) params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  return { scheme: scheme === 'bearer' || scheme === 'basic' ? scheme : 'other', params };
}
