/**
 * Gives the event loop `turns` turns between two slices of long synchronous work (a training batch, a batch of
 * predictions). vscode-jsonrpc handles ONE queued message per turn (it re-arms itself with setImmediate), so a
 * single yield per batch let a backlog of requests delay a cancel by many batches (measured: 79 s, 8 epochs,
 * in the UI test). Idle turns cost microseconds.
 */
export async function yieldToEventLoop(turns = 16): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}
