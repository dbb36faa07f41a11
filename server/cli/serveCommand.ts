/**
 * `brain-tumor serve`: the JSON-RPC backend on stdin/stdout, the same handlers the extension reaches over IPC,
 * for a remote VS Code (e.g. over ssh to a GPU machine) or another client.
 */
import { checkBackendFlag, threadsFrom, type Flags } from './flags';

export async function serveCommand(flags: Flags): Promise<number> {
  checkBackendFlag(flags);
  const threads = flags.threads === undefined ? undefined : threadsFrom(flags);
  // Loaded here, not at the top: `status` and `--help` should not pay for the protocol library.
  const { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver/node');
  const { startBackendServer } = await import('../backendServer');
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  startBackendServer(connection, { ...(flags.backend ? { flagBackend: flags.backend } : {}), ...(threads !== undefined ? { flagThreads: threads } : {}) });
  return new Promise<number>(() => { /* runs until the client sends exit */ });
}
