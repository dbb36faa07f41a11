/**
 * Privacy: a DICOM file full of patient-identifying attributes goes through every output the product has (CLI
 * classify as text, JSON and CSV; scan as text and JSON; the backend process over JSON-RPC with heat map, model
 * input and original preview, and its log), for a good file and for files it refuses; none of the values appears.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-languageserver-protocol/node';
import { ExitNotification, InitializeRequest, LogMessageNotification, type LogMessageParams, ShutdownRequest } from 'vscode-languageserver-protocol';
import * as P from '../../server/protocol';
import { readDicom } from '../../server/data/dicom/readDicom';
import { greySlice, writeDicom, type DicomSpec } from '../fixtures/dicomFiles';
import { write } from '../fixtures/images';
import { LOCALE_VARIABLES, ROOT, runCli } from '../fixtures/runCli';

/** Every identifying attribute the issue names, with values that cannot occur by chance. */
const PATIENT = {
  PatientName: 'DOE^JANE', PatientID: 'PID-314159', PatientBirthDate: '19330517', PatientAddress: '221B Baker Street',
  OtherPatientIDs: 'OPID-161803', InstitutionName: 'St Example Hospital', InstitutionAddress: '1 Example Road',
  AccessionNumber: 'ACC-271828', ReferringPhysicianName: 'HOUSE^GREGORY', StudyDate: '20240229', SeriesDate: '20240228',
  AcquisitionDate: '20240227', ContentDate: '20240226', StudyID: 'STUDY-5772',
};
const SECRETS = [...Object.values(PATIENT), 'DOE', 'JANE', 'Jane Doe', 'Baker', 'Example Hospital', 'GREGORY'];

/** The secrets found in a text; images travel as base64 data URLs, which are pixels, not attributes: left out. */
function leaks(text: string): string[] {
  const plain = text.replace(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g, '<image>');
  return SECRETS.filter((s) => plain.toLowerCase().includes(s.toLowerCase()));
}

describe('DICOM privacy: identifying attributes never leave the file', () => {
  let tmp: string;
  let data: string;
  let good: string;
  let dir: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-dicom-privacy-'));
    data = path.join(tmp, 'data');
    dir = path.join(data, 'glioma');
    const spec = async (extra: Partial<DicomSpec>): Promise<DicomSpec> => ({ syntax: 'explicit', rows: 96, columns: 96, frames: [await greySlice(96, 96, 'circle', 7)],
      attributes: { ...PATIENT, SeriesDescription: 'AX T2 TSE' }, ...extra });
    good = path.join(dir, 'slice.dcm');
    const goodBytes = await writeDicom(await spec({}));
    write(good, goodBytes);
    // The file does hold every value, and the search finds them there (so that an empty result below means something).
    assert.deepEqual(leaks(goodBytes.toString('latin1')), SECRETS.filter((s) => s !== 'Jane Doe')); // that one is how a display would render the name
    write(path.join(dir, 'xl.dcm'), await writeDicom(await spec({ syntax: 'jpegXl' })));
    write(path.join(dir, 'cut.dcm'), goodBytes.subarray(0, goodBytes.length - 500));
    write(path.join(dir, 'sr.dcm'), await writeDicom(await spec({ noPixelData: true, sopClassUid: '1.2.840.10008.5.1.4.1.1.88.33' })));
    write(path.join(data, 'notumor', 'other.dcm'), await writeDicom(await spec({ frames: [await greySlice(96, 96, 'none', 8)] })));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('readDicom: the info object holds only the listed attributes', async () => {
    const img = await readDicom(fs.readFileSync(good));
    assert.deepEqual(leaks(JSON.stringify(img.info)), []);
    assert.equal(img.info.seriesDescription, 'AX T2 TSE');
    assert.equal(img.info.sequence, 'T2');
  });

  it('CLI classify (text, --json, --csv) and scan (text, --json), including the files it refuses', () => {
    const runs = [
      runCli(['classify', dir]), runCli(['classify', dir, '--json']), runCli(['classify', dir, '--csv']), runCli(['classify', good, '--explain', path.join(tmp, 'cams')]),
      runCli(['scan', data, '--no-cache']), runCli(['scan', data, '--json', '--no-cache']),
    ];
    for (const r of runs) {
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(leaks(r.out), [], r.out.slice(0, 300));
      assert.deepEqual(leaks(r.err), [], r.err.slice(0, 300));
    }
    assert.match(runs[1]!.out, /Structured Report/);
    assert.match(runs[5]!.out, /"dicom": ?2/); // the good and the other slice; xl, cut and sr are problems
    for (const f of fs.readdirSync(path.join(tmp, 'cams'))) assert.deepEqual(leaks(f), []);
  });

  it('the backend process: classify and scan replies, and every log line', async () => {
    const env = { ...process.env };
    for (const k of [P.ENV_BACKEND, P.ENV_THREADS, ...LOCALE_VARIABLES]) delete env[k];
    const child = fork(path.join(ROOT, 'dist', 'server.js'), ['--node-ipc'], { silent: true, env });
    let stdio = '';
    child.stdout!.on('data', (d: Buffer) => { stdio += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stdio += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const logs: string[] = [];
    conn.onNotification(LogMessageNotification.method, (p: LogMessageParams) => { logs.push(p.message); });
    conn.listen();
    let classified: P.ClassifyResult, scanned: P.ScanReport;
    try {
      await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
      classified = await conn.sendRequest(P.classify, { paths: [dir], explain: true, withInput: true });
      scanned = await conn.sendRequest(P.scanDataset, { root: data });
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
    } finally {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    }
    assert.equal(classified.items.filter((i) => i.ok).length, 1);
    assert.ok(classified.items.some((i) => i.ok && i.original?.image && i.heatmap && i.input), 'preview, heat map and input were made');
    assert.equal(scanned.totals.usable, 2);
    assert.ok(logs.length > 0, 'the backend logged');
    for (const text of [JSON.stringify(classified), JSON.stringify(scanned), logs.join('\n'), stdio]) assert.deepEqual(leaks(text), []);
  });
});
