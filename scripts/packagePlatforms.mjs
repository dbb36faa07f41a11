// `npm run package:all`: one VSIX per platform, each with only that platform's sharp binary (and libvips where
// sharp keeps it in a package of its own), fetched from npm with `npm pack`. The default `npm run package` stays
// what it was: the VSIX of this machine's platform, from its own node_modules.
//   node scripts/packagePlatforms.mjs [--out DIR] [--target T ...] [--no-build]
// --no-build packs the bundles dist/ already holds (the unit test does, so as not to rebuild under other suites).
// Per target: the files `vsce ls` lists are copied into out/package-staging/<target>/, this machine's @img/sharp-*
// packages are swapped for the target's, and `vsce package --target` packs that folder. Then every archive is
// checked: the target's binary is there, no other platform's is.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipEntries } from './vsixEntries.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const SHARP_VERSION = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/sharp/package.json'), 'utf8')).version;
const NATIVE_IMG = /^node_modules\/@img\/sharp-(libvips-)?[a-z0-9]+-[a-z0-9]+\//;
const vsce = path.join(REPO, 'node_modules/.bin/vsce');

function args() {
  const a = process.argv.slice(2);
  const out = a.includes('--out') ? path.resolve(a[a.indexOf('--out') + 1]) : path.join(REPO, 'out', 'vsix');
  const targets = a.flatMap((v, i) => (a[i - 1] === '--target' ? [v] : []));
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t}; one of ${TARGETS.join(', ')}`);
  return { out, targets: targets.length ? targets : TARGETS, build: !a.includes('--no-build') };
}

/** Fetches an npm package (tarball through the npm cache) and unpacks it into `dest`; returns its package.json. */
function fetchPackage(spec, dest, cacheDir) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--silent'], { cwd: cacheDir, encoding: 'utf8' }));
  fs.mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(cacheDir, filename), '-C', dest, '--strip-components=1']);
  return JSON.parse(fs.readFileSync(path.join(dest, 'package.json'), 'utf8'));
}

/** The sharp packages a target needs: its binary, and the libvips package that binary depends on (none on Windows). */
function addSharpFor(target, staging, cacheDir) {
  const name = `@img/sharp-${target}`;
  const binary = fetchPackage(`${name}@${SHARP_VERSION}`, path.join(staging, 'node_modules', name), cacheDir);
  const added = [name];
  for (const [dep, version] of Object.entries(binary.optionalDependencies ?? {})) {
    if (!dep.startsWith('@img/sharp-libvips-')) continue;
    fetchPackage(`${dep}@${version}`, path.join(staging, 'node_modules', dep), cacheDir);
    added.push(dep);
  }
  return added;
}

/**
 * What an archive must hold for a target, and must not: the target's sharp binary, its libvips (a package of its
 * own except on Windows, where the binary's package carries the DLLs), and no native file of any other platform.
 */
export function checkArchive(entries, target) {
  const problems = [];
  const has = (re) => entries.some((e) => re.test(e));
  const img = 'extension/node_modules/@img/';
  if (!has(new RegExp(`^${img}sharp-${target}/lib/sharp-${target}(-[\\d.]+)?\\.node$`))) problems.push(`missing ${img}sharp-${target}/lib/sharp-${target}*.node`);
  const libvips = target.startsWith('win32') ? new RegExp(`^${img}sharp-${target}/lib/libvips-[^/]+\\.dll$`) : new RegExp(`^${img}sharp-libvips-${target}/lib/libvips-cpp\\.`);
  if (!has(libvips)) problems.push(`missing libvips for ${target}`);
  const natives = new Set(entries.map((e) => /^extension\/node_modules\/@img\/sharp-(?:libvips-)?([a-z0-9]+-[a-z0-9]+)\//.exec(e)?.[1]).filter(Boolean));
  for (const other of natives) if (other !== target) problems.push(`holds another platform's sharp files: ${other}`);
  for (const e of entries) if (/\.(node|dll|dylib|so(\.\d+)*)$/.test(e) && !e.startsWith(`${img}sharp-${target}/`) && !e.startsWith(`${img}sharp-libvips-${target}/`)) {
    problems.push(`holds a native file that is not the target's sharp: ${e}`);
  }
  return problems;
}

function packageTarget(target, files, out) {
  const staging = path.join(REPO, 'out', 'package-staging', target);
  fs.rmSync(staging, { recursive: true, force: true });
  // Native packages of this machine stay behind: sharp's, and tfjs-node's (its libtensorflow is this machine's).
  for (const f of files.filter((f) => !NATIVE_IMG.test(f) && !f.startsWith('node_modules/@tensorflow/'))) {
    fs.mkdirSync(path.dirname(path.join(staging, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(staging, f));
  }
  // The bundles are built already (below); the copy has no esbuild.js to run again.
  const manifest = JSON.parse(fs.readFileSync(path.join(staging, 'package.json'), 'utf8'));
  delete manifest.scripts['vscode:prepublish'];
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.copyFileSync(path.join(REPO, '.vscodeignore'), path.join(staging, '.vscodeignore'));
  const added = addSharpFor(target, staging, path.join(REPO, 'out', 'package-cache'));
  const file = path.join(out, `${pkg.name}-${target}-${pkg.version}.vsix`);
  execFileSync(vsce, ['package', '--target', target, '--out', file], { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
  return { target, file, added };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { out, targets, build } = args();
  fs.mkdirSync(out, { recursive: true });
  if (build) execFileSync(process.execPath, ['esbuild.js', '--production'], { cwd: REPO, stdio: 'inherit' });
  const files = execFileSync(vsce, ['ls'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
  let failed = 0;
  for (const target of targets) {
    const { file, added } = packageTarget(target, files, out);
    const problems = checkArchive(zipEntries(file), target);
    failed += problems.length;
    console.log(`${problems.length ? 'BAD' : 'ok '} ${path.relative(REPO, file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB; ${added.join(', ')})`);
    for (const p of problems) console.log(`    ${p}`);
  }
  process.exit(failed ? 1 : 0);
}
