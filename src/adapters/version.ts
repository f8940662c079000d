/**
 * Baton's version, from package.json: imported as a JSON module, so a source run reads the file and
 * esbuild inlines it into every bundle (a stale bundle is caught by the dist freshness test).
 */
import pkg from '../../package.json' with { type: 'json' };

/** The version in package.json, e.g. `0.1.0`. */
export const BATON_VERSION: string = pkg.version;

/** The `User-Agent` of every HTTP request Baton sends. */
export const USER_AGENT = `baton/${BATON_VERSION}`;
