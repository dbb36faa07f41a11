/**
 * The extension's own folder in a workspace, `.brain-tumor/` (runs and caches), git-ignored by a `.gitignore` of
 * `*` written the first time. Pure (no vscode import): unit-tested. In an untrusted workspace nothing is written:
 * opening a folder must not change it before the user trusts it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Creates `dir` (and `.gitignore` in `ignoreIn`, when given) if the workspace is trusted; returns whether it wrote. */
export function prepareFolder(dir: string, trusted: boolean, ignoreIn?: string): boolean {
  if (!trusted) return false;
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (ignoreIn && !fs.existsSync(path.join(ignoreIn, '.gitignore'))) fs.writeFileSync(path.join(ignoreIn, '.gitignore'), '*\n');
    return true;
  } catch {
    // A read-only workspace: the backend reports the failure when it writes there.
    return false;
  }
}
