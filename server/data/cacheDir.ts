/** Where the CLI keeps its caches when not told: $BRAIN_TUMOR_CACHE, else the XDG cache folder. */
import * as os from 'node:os';
import * as path from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BRAIN_TUMOR_CACHE) return path.resolve(env.BRAIN_TUMOR_CACHE);
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'brain-tumor');
}
