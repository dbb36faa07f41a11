/**
 * A volume through the backend as the extension reaches it (dist/server.js over IPC, the bundled model): the
 * classify request with `orientation` gives one item with every slice, progress counts slices, a bad orientation
 * is InvalidParams, a cancel mid-volume leaves the tensor count as it was.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type ResponseError } from 'vscode-languageserver-protocol/node';
import { CancellationTokenSource, ExitNotification, InitializeRequest, ShutdownRequest } from 'vscode-languageserver-protocol';
import * as P from '../../server/protocol';
import { axialStack, DT, generatedSlices, gz, niftiBytes } from '../fixtures/nifti';
import { write } from '../fixtures/images';
import { LOCALE_VARIABLES } from '../fixtures/runCli';

const DIST = path.resolve(__dirname, '../../../dist');
const W = 80, H = 72, N = 90;

describe('volumes over JSON-RPC', () => {
  it('classify with orientation: one item, every slice, progress in slices; bad orientation; cancel leaves no tensors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-rpc-volume-'));
    const s = axialStack(await generatedSlices(N, W, H, ['circle', 'square', 'triangle', 'none']), W, H);
    const file = write(path.join(dir, 'v.nii.gz'), gz(niftiBytes({ dims: s.dims, datatype: DT.uint8, values: s.values, sform: s.sform })));
    const env = { ...process.env };
    for (const k of [P.ENV_BACKEND, P.ENV_THREADS, ...LOCALE_VARIABLES]) delete env[k];
    const child = fork(path.join(DIST, 'server.js'), ['--node-ipc'], { silent: true, env });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    conn.listen();
    await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
    try {
      const progress: P.ClassifyProgress[] = [];
      conn.onProgress(P.classifyProgress, 'v1', (p) => { progress.push(p); });
      const r = await conn.sendRequest(P.classify, { paths: [file], orientation: 'sagittal', progressToken: 'v1' });
      assert.equal(r.items.length, 1);
      const item = r.items[0] as P.ClassifiedImage;
      assert.equal(item.volume!.info.orientation, 'sagittal');
      assert.equal(item.volume!.slices.length, W);
      assert.ok(progress.some((p) => p.done === W && p.total === W), JSON.stringify(progress));
      await assert.rejects(conn.sendRequest(P.classify, { paths: [file], orientation: 'oblique' as P.SliceOrientation }),
        (e: ResponseError<void>) => e.code === P.ErrorCodes.InvalidParams && /"orientation" must be one of axial, coronal, sagittal/.test(e.message));
      const before = (await conn.sendRequest(P.status)).numTensors;
      const source = new CancellationTokenSource();
      conn.onProgress(P.classifyProgress, 'v2', (p) => { if (p.done > 0) source.cancel(); });
      await assert.rejects(conn.sendRequest(P.classify, { paths: [file], progressToken: 'v2' }, source.token),
        (e: ResponseError<void>) => e.code === P.ErrorCodes.Cancelled);
      assert.equal((await conn.sendRequest(P.status)).numTensors, before, 'no tensor left behind mid-volume');
    } finally {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
      conn.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
