/**
 * Where the backend's words go. In the server they go to the client's output channel (connection.console);
 * in the CLI to stderr. Never to stdout: on `brain-tumor serve` stdout IS the JSON-RPC channel, and one stray
 * console.log (tfjs prints a few) would corrupt the stream.
 */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  log(message: string): void;
}

export const stderrLogger: Logger = {
  error: (m) => process.stderr.write(`[error] ${m}\n`),
  warn: (m) => process.stderr.write(`[warn] ${m}\n`),
  info: (m) => process.stderr.write(`[info] ${m}\n`),
  log: (m) => process.stderr.write(`${m}\n`),
};

/** Sends every console.* call to `logger`, so that libraries cannot write to stdout. */
export function redirectConsole(logger: Logger): void {
  const fmt = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' ');
  console.log = (...a: unknown[]) => logger.log(fmt(a));
  console.info = (...a: unknown[]) => logger.info(fmt(a));
  console.debug = (...a: unknown[]) => logger.log(fmt(a));
  console.warn = (...a: unknown[]) => logger.warn(fmt(a));
  console.error = (...a: unknown[]) => logger.error(fmt(a));
}

function safeInspect(v: unknown): string {
  if (v instanceof Error) return v.stack ?? v.message;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
