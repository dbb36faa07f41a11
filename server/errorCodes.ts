/**
 * The one table from the server's expected failures to the protocol's error codes. The JSON-RPC layer turns
 * them into ResponseErrors; the CLI turns the same codes into exit codes (cli/exitCodes.ts). Anything not in the
 * table is a bug or an environment failure, and stays an internal error with its stack in the log.
 */
import * as P from './protocol';
import { CancelledError } from './cancelled';
import { DatasetLayoutError } from './data/walkDataset';
import { HoldoutError } from './data/externalHoldout';
import { ConfigError } from './train/trainConfig';
import { RunFolderError } from './model/folderFiles';
import { TrainingBusyError } from './train/trainingService';
import { EvaluationError } from './eval/modelScoring';
import { IncompatibleModelError } from './model/metadata';
import { ClassifyError } from './infer/classifyImages';
import { ModelError } from './infer/modelStore';

/** The protocol code of an expected failure, or undefined for anything else. */
export function errorCodeOf(e: unknown): P.ErrorCode | undefined {
  if (e instanceof CancelledError) return P.ErrorCodes.Cancelled;
  if (e instanceof TrainingBusyError) return P.ErrorCodes.TrainingBusy;
  if (e instanceof RunFolderError) return P.ErrorCodes.RunFolder;
  if (e instanceof ConfigError || e instanceof ClassifyError || e instanceof HoldoutError) return P.ErrorCodes.InvalidParams;
  if (e instanceof DatasetLayoutError) return P.ErrorCodes.DatasetLayout;
  if (e instanceof IncompatibleModelError) return P.ErrorCodes.IncompatibleModel;
  if (e instanceof EvaluationError) return P.ErrorCodes.DatasetLayout;
  if (e instanceof ModelError) return e.kind === 'incompatible' ? P.ErrorCodes.IncompatibleModel : P.ErrorCodes.RunFolder;
  return undefined;
}

/** An expected failure as the ResponseError a client sees; anything else unchanged (vscode-jsonrpc reports it as internal). */
export function toProtocolError(e: unknown): unknown {
  const code = errorCodeOf(e);
  if (code === undefined) return e;
  // A bad training setting reaches the client beside other params errors: say which request it was about.
  const message = e instanceof ConfigError ? `train: ${e.message}` : (e as Error).message;
  return P.protocolError(code, message);
}
