// Runs a VS Code extension test suite (extensionTestsPath exporting run()) in code-server's real extension
// host, through headless Chromium. Returns the exit code the workbench reports (0 = all passed).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { freePort, launchBrowser, prepareDataDir, RESULTS, startCodeServer } from './codeServer.mjs';

// Workbench chatter that reaches codeAutomationLog beside the test output; kept in the log file only.
const NOISE = /^\[[A-Za-z][\w :.-]*\] |^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin)|ENOTFOUND|^\s+at .*workbench/;

export async function runExtensionTests({ extensionDevelopmentPath, extensionTestsPath, folder, disableExtensions = false,
  timeoutMs = 600000 }) {
  const port = Number(process.env.CS_TEST_PORT) || await freePort();
  const workDir = path.join(RESULTS, 'integration-code-server');
  prepareDataDir(workDir, port);
  const automationLog = fs.createWriteStream(path.join(workDir, 'automation.log'));
  const cs = await startCodeServer({ port, dataDir: workDir, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
  console.log(`[code-server] ${cs.url} ready in ${cs.readyMs} ms`);
  const ctx = await launchBrowser(path.join(workDir, 'chromium-profile'));
  let code = 2;
  let page;
  try {
    page = ctx.pages()[0] ?? await ctx.newPage();
    let done;
    const exited = new Promise((r) => (done = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(args ?? []));
      automationLog.write(`[${type}] ${line}\n`);
      if (process.env.VERBOSE || !NOISE.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (c) => done(c));
    page.on('pageerror', (e) => automationLog.write(`[pageerror] ${e}\n`));
    // code-server has no --extensionDevelopmentPath flag: the workbench takes them from the URL's payload.
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
    const payload = [...[].concat(extensionDevelopmentPath).map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(extensionTestsPath)]];
    if (disableExtensions) payload.push(['disableExtensions', 'true']);
    const q = folder ? `folder=${encodeURIComponent(path.resolve(folder))}` : 'ew=true';
    await page.goto(`${cs.url}/?${q}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
    if (code === 'timeout') console.log(`[code-server] the suite did not finish within ${timeoutMs / 1000} s`);
  } catch (e) {
    console.log(`[code-server] runner error: ${e?.stack ?? e}`);
    code = 3;
  } finally {
    if (code !== 0 && page) await page.screenshot({ path: path.join(RESULTS, 'integration-failure.png') }).catch(() => {});
    await ctx.close().catch(() => {});
    cs.stop();
    automationLog.end();
  }
  return typeof code === 'number' ? code : 124;
}
