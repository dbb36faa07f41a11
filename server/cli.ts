/**
 * `brain-tumor`: the backend as a command line, for headless and remote GPU machines.
 *   brain-tumor status [--json] [--backend B] [--threads N]
 *   brain-tumor serve [--backend B] [--threads N]     JSON-RPC on stdio (what the extension speaks over IPC)
 * Results go to stdout; progress, logs and errors to stderr. Exit codes: 0 ok, 1 failure, 2 usage error.
 */
import './threadPool';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from './data/cacheDir';
import { DEFAULT_NEAR_THRESHOLD, ScanCancelledError, scanDataset } from './data/scanDataset';
import { DatasetLayoutError } from './data/walkDataset';
import { formatScan } from './formatScan';
import type { BackendInfo } from './protocol';
import { BACKEND_KINDS, ENV_BACKEND, ENV_THREADS } from './protocol';
import { BACKEND_LABELS, resolvePreference } from './engine/chooseBackend';
import { startEngine, tfjsVersion } from './engine/startEngine';
import { SERVER_VERSION, resolveThreads } from './backendServer';
import { redirectConsole, stderrLogger } from './logger';

const HELP = `brain-tumor ${SERVER_VERSION}: brain-MRI tumour classification backend (research use only, not for clinical diagnosis)

Usage: brain-tumor <command> [options]

Commands:
  status            Start the engine and print which backend runs and why the others were not used
  scan DIR          Check a dataset folder: counts, sizes, modes, bad files, duplicates, Training->Testing leaks
  serve             Run the JSON-RPC backend on stdin/stdout (for a remote VS Code or another client)

Options:
  --backend B       auto | gpu | node | wasm | cpu   (default: auto, or $${ENV_BACKEND})
  --threads N       worker threads, 0 = one per core (default: 0, or $${ENV_THREADS})
  --json            machine-readable output (status, scan)
  --near N          scan: dHash Hamming distance that counts as a near copy (default 5)
  --cache DIR       cache folder (default $BRAIN_TUMOR_CACHE or ~/.cache/brain-tumor); --no-cache to bypass
  -h, --help        this help
  -v, --version     print the version
`;

class UsageError extends Error {}

interface Flags {
  backend?: string; threads?: string; json?: boolean; help?: boolean; version?: boolean;
  near?: string; cache?: string; 'no-cache'?: boolean;
}

function parse(argv: string[]): { command: string | undefined; args: string[]; flags: Flags } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        threads: { type: 'string' },
        json: { type: 'boolean' },
        near: { type: 'string' },
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    const max = positionals[0] === 'scan' ? 2 : 1;
    if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
    return { command: positionals[0], args: positionals.slice(1), flags: values };
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

function threadsFrom(flags: Flags): number {
  if (flags.threads === undefined) return resolveThreads(process.env[ENV_THREADS], undefined);
  const n = Number(flags.threads);
  if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`--threads must be an integer from 0 to 256, got "${flags.threads}"`);
  return n;
}

function checkBackendFlag(flags: Flags): void {
  if (flags.backend !== undefined && !['auto', ...BACKEND_KINDS].includes(flags.backend)) {
    throw new UsageError(`--backend must be one of auto, ${BACKEND_KINDS.join(', ')}; got "${flags.backend}"`);
  }
}

export function formatStatus(b: BackendInfo): string {
  const lines = [
    `Backend:  ${b.kind} (${BACKEND_LABELS[b.kind]}), ${b.threads} thread${b.threads === 1 ? '' : 's'}` +
      (b.simd === null ? '' : b.simd ? ', SIMD' : ', no SIMD'),
    `Why:      ${b.reason}`,
    `Asked:    ${b.requested} (${b.requestedBy})`,
    'Tried:',
    ...b.attempts.map((a) => `  ${a.kind.padEnd(5)} ${a.ok ? 'yes' : 'no '}  ${a.reason}${a.ms >= 1 ? ` (${Math.round(a.ms)} ms)` : ''}`),
    `Ready in: ${Math.round(b.initMs)} ms`,
    `tfjs ${tfjsVersion()}, Node ${process.version}, ${process.platform} ${process.arch}`,
  ];
  if (b.kind !== 'gpu') {
    lines.push('Hint:     GPU training needs Linux, CUDA 11.2 and cuDNN 8.1, then `npm install @tensorflow/tfjs-node-gpu`', '          next to this tool (README, "GPU training").');
  }
  return lines.join('\n');
}

async function cmdStatus(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  const preference = resolvePreference({ flag: flags.backend, env: process.env[ENV_BACKEND] });
  if (preference.warning) stderrLogger.warn(preference.warning);
  const backend = await startEngine({ preference, threads: threadsFrom(flags) });
  process.stdout.write(flags.json
    ? JSON.stringify({ version: SERVER_VERSION, tfjsVersion: tfjsVersion(), backend }, null, 2) + '\n'
    : `brain-tumor ${SERVER_VERSION}\n${formatStatus(backend)}\n`);
  return 0;
}

async function cmdScan(args: string[], flags: Flags): Promise<number> {
  const dir = args[0];
  if (!dir) throw new UsageError('scan needs a dataset folder: brain-tumor scan DIR');
  const near = flags.near === undefined ? DEFAULT_NEAR_THRESHOLD : Number(flags.near);
  if (!Number.isInteger(near) || near < 0 || near > 64) throw new UsageError(`--near must be an integer from 0 to 64, got "${flags.near}"`);
  const cacheDir = flags['no-cache'] ? null : path.resolve(flags.cache ?? defaultCacheDir());
  let cancelled = false;
  const onSigint = () => { cancelled = true; };
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  try {
    const { report } = await scanDataset(dir, {
      cacheDir, nearThreshold: near, isCancelled: () => cancelled,
      onProgress: (p) => {
        if (tty && p.phase === 'inspecting') process.stderr.write(`\rinspecting ${p.done}/${p.total}`);
        if (tty && p.phase === 'comparing') process.stderr.write('\rcomparing hashes...      ');
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatScan(report) + '\n');
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (e instanceof ScanCancelledError) {
      process.stderr.write('brain-tumor: scan cancelled; files inspected so far are cached for the next scan.\n');
      return 130;
    }
    if (e instanceof DatasetLayoutError) throw new UsageError(e.message);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function cmdServe(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  const threads = flags.threads === undefined ? undefined : threadsFrom(flags);
  // Loaded here, not at the top: `status` and `--help` should not pay for the protocol library.
  const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver/node');
  const { startBackendServer } = await import('./backendServer');
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  startBackendServer(connection, { ...(flags.backend ? { flagBackend: flags.backend } : {}), ...(threads !== undefined ? { flagThreads: threads } : {}) });
  return new Promise<number>(() => { /* runs until the client sends exit */ });
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`brain-tumor: ${(e as Error).message}\nRun "brain-tumor --help" for usage.\n`);
    return 2;
  }
  const { command, args, flags } = parsed;
  if (flags.version) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined && !flags.help ? 2 : 0;
  }
  // Libraries must never print to stdout: it carries results (and, for serve, the protocol).
  redirectConsole(stderrLogger);
  try {
    switch (command) {
      case 'status': return await cmdStatus(flags);
      case 'serve': return await cmdServe(flags);
      case 'scan': return await cmdScan(args, flags);
      default:
        throw new UsageError(`unknown command "${command}" (commands: status, scan, serve)`);
    }
  } catch (e) {
    process.stderr.write(`brain-tumor: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
