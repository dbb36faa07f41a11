/**
 * The backend's processes in Turkish (issue 16): `brain-tumor` with --lang (before or after the command) or the
 * locale, its machine-readable output the same bytes in every language, and the language server rendering its
 * errors in the bundle the extension host sends in the initialization options.
 *
 * The CLI finds the shipped l10n/bundle.l10n.tr.json through BRAIN_TUMOR_L10N_DIR pointed at a copy, so that a test
 * can also damage or remove it without touching the repository's.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection, type ResponseError,
} from 'vscode-languageserver-protocol/node';
import { ExitNotification, InitializeRequest, LogMessageNotification, type LogMessageParams, ShutdownRequest } from 'vscode-languageserver-protocol';
import * as P from '../../server/protocol';
import { write, writeSlice } from '../fixtures/images';
import { LOCALE_VARIABLES, ROOT, runCli } from '../fixtures/runCli';

const TR_SHIPPED = path.join(ROOT, 'l10n', 'bundle.l10n.tr.json');

describe('brain-tumor in Turkish', () => {
  let tmp: string;
  let l10nDir: string;
  let images: string;
  let dataset: string;
  /** The CLI with the Turkish bundle in reach and the given locale (none by default: English). */
  const cli = (args: string[], locale: NodeJS.ProcessEnv = {}) =>
    runCli(args, { cwd: tmp, extraEnv: { BRAIN_TUMOR_L10N_DIR: l10nDir, ...locale }, timeoutMs: 240_000 });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bt-cli-lang-'));
    l10nDir = path.join(tmp, 'l10n');
    fs.mkdirSync(l10nDir);
    fs.copyFileSync(TR_SHIPPED, path.join(l10nDir, 'bundle.l10n.tr.json'));
    images = path.join(tmp, 'images');
    await writeSlice(path.join(images, 'slice-0.png'), 'circle', 11, 96);
    await writeSlice(path.join(images, 'slice-1.png'), 'none', 12, 96);
    write(path.join(images, 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    dataset = path.join(tmp, 'data');
    for (const cls of ['glioma', 'notumor']) {
      for (let i = 0; i < 2; i++) await writeSlice(path.join(dataset, 'Training', cls, `${i}.png`), cls === 'glioma' ? 'circle' : 'none', i);
      await writeSlice(path.join(dataset, 'Testing', cls, 't.png'), cls === 'glioma' ? 'circle' : 'none', 9);
    }
    write(path.join(dataset, 'Training', 'glioma', 'empty.jpg'), '');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints its help in Turkish, listing --lang, with --lang before or after the command', () => {
    const before = cli(['--lang', 'tr', '--help']);
    assert.equal(before.code, 0, before.err);
    assert.match(before.out, /^Kullanım: brain-tumor <komut> \[seçenekler\]$/m);
    assert.match(before.out, /^ {2}--lang L {10}iletilerin dili: en \| tr/m);
    const english = cli(['--help']);
    assert.match(english.out, /^ {2}--lang L {10}language of the messages: en \| tr/m);
    assert.equal(cli(['help', '--lang=tr']).out, before.out);
  });

  it('classifies in Turkish with --lang before or after the command, or from LANG, and the JSON and CSV stay the same bytes', () => {
    const args = ['classify', images];
    const first = cli(['--lang', 'tr', ...args]);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^Model: paketle gelen /m);
    assert.match(first.out, /^images\/slice-0\.png {2}\S.* %\d+,\d$/m, 'a Turkish percentage');
    assert.match(first.out, /^images\/broken\.png {2}HATA {2}broken\.png sınıflandırılamıyor: bozuk ya da kesik görüntü/m);
    assert.match(first.out, /^Araştırma amaçlıdır, klinik tanı için değildir\.$/m);
    assert.doesNotMatch(first.out, /\d\.\d%|Research use only/);
    const after = cli([...args, '--lang', 'tr']);
    const fromLocale = cli(args, { LANG: 'tr_TR.UTF-8' });
    const withoutImgPerSec = (t: string) => t.replace(/[\d,.]+ görüntü\/sn/, '');
    assert.equal(withoutImgPerSec(after.out), withoutImgPerSec(first.out));
    assert.equal(withoutImgPerSec(fromLocale.out), withoutImgPerSec(first.out));
    const english = cli(args);
    assert.match(english.out, /^Research use only, not for clinical diagnosis\.$/m);
    assert.match(english.out, /^images\/broken\.png {2}ERROR {2}Cannot classify broken\.png: corrupt or truncated image/m);

    // Machine-readable output: identical whatever the language, messages inside it included (timing aside).
    const json = (locale: string[], env: NodeJS.ProcessEnv = {}) => {
      const r = cli([...locale, ...args, '--json'], env);
      assert.equal(r.code, 0, r.err);
      const o = JSON.parse(r.out) as Record<string, unknown>;
      assert.ok(o.timing, 'the timing fields are the only ones that differ between runs');
      delete o.timing;
      return JSON.stringify(o);
    };
    const jsonEn = json(['--lang', 'en']);
    assert.equal(json(['--lang', 'tr']), jsonEn);
    assert.equal(json([], { LANG: 'tr_TR.UTF-8' }), jsonEn);
    assert.match(jsonEn, /Cannot classify broken\.png/);
    const csvTr = cli(['--lang', 'tr', ...args, '--csv']);
    assert.equal(csvTr.code, 0, csvTr.err);
    assert.equal(csvTr.out, cli([...args, '--csv']).out);
  });

  it('scans in Turkish; the scan cache keeps a file\'s problem in the language it was found in, so --json stays English', () => {
    const cache = path.join(tmp, 'cache');
    const tr = cli(['scan', dataset, '--cache', cache], { LC_ALL: 'tr_TR.UTF-8', LANG: 'en_US.UTF-8' });
    assert.equal(tr.code, 0, tr.err);
    assert.match(tr.out, /^Veri kümesi .* \(Training\/ \+ Testing\/\)$/m);
    assert.match(tr.out, /^ {2}empty {15}Training\/glioma\/empty\.jpg: boş dosya \(0 bayt\)$/m);
    assert.match(tr.out, /^ {2}extension-mismatch {2}Training\/glioma\/1\.png: \.png uzantılı dosyada JPEG verisi \(yine de kullanılıyor\)$/m);
    assert.match(tr.out, /^Sorunlar: \d+$/m);
    const json = cli(['scan', dataset, '--cache', cache, '--json', '--lang', 'tr']);
    assert.equal(json.code, 0, json.err);
    const report = JSON.parse(json.out) as P.ScanReport;
    assert.ok(report.problems.some((p) => p.message === 'empty file (0 bytes)'));
    assert.ok(report.problems.some((p) => p.message === 'JPEG data under a .png extension (still used)'));
    const withWords = new Set(report.problems.map((p) => p.rel)).size;
    assert.equal(report.timing.fromCache, report.totals.files - withWords, 'only the files with words in their verdict were inspected again');
    const again = JSON.parse(cli(['scan', dataset, '--cache', cache, '--json']).out) as P.ScanReport;
    assert.equal(again.timing.fromCache, again.totals.files, 'in the same language, everything comes from the cache');
  });

  it('falls back to English for a language it has no messages in, and says so only when asked by name', () => {
    const asked = cli(['--lang', 'xx', 'scan']);
    assert.equal(asked.code, 2);
    assert.match(asked.err, /^brain-tumor: no messages in language "xx"; using English\.$/m);
    assert.match(asked.err, /^brain-tumor: scan needs a dataset folder/m);
    const fromLocale = cli(['scan'], { LANG: 'de_DE.UTF-8' });
    assert.equal(fromLocale.err, 'brain-tumor: scan needs a dataset folder: brain-tumor scan DIR\n');
    const usage = cli(['scan'], { LANG: 'tr_TR.UTF-8' });
    assert.equal(usage.err, 'brain-tumor: scan komutu bir veri kümesi klasörü gerektirir: brain-tumor scan DIR\n');
  });
});

describe('the language server in the language of the extension host', () => {
  const bundle = JSON.parse(fs.readFileSync(TR_SHIPPED, 'utf8')) as Record<string, string>;

  async function withServer(initializationOptions: unknown, body: (conn: MessageConnection, logs: string[]) => Promise<void>) {
    const env = { ...process.env };
    for (const k of [P.ENV_BACKEND, P.ENV_THREADS, ...LOCALE_VARIABLES]) delete env[k];
    const child = fork(path.join(ROOT, 'dist', 'server.js'), ['--node-ipc'], { silent: true, env });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const logs: string[] = [];
    conn.onNotification(LogMessageNotification.method, (p: LogMessageParams) => { logs.push(p.message); });
    conn.listen();
    await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
    try {
      await body(conn, logs);
    } finally {
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
      conn.dispose();
    }
  }

  const missing = path.join(os.tmpdir(), 'bt-lang-no-such-dataset');
  const scan = (conn: MessageConnection) => conn.sendRequest(P.scanDataset, { root: missing });

  it('renders an error in Turkish when initialised with the Turkish bundle, with the same error code', async () => {
    await withServer({ l10n: { language: 'tr', bundle } }, async (conn, logs) => {
      await assert.rejects(scan(conn), (e: ResponseError<void>) =>
        e.code === P.ErrorCodes.DatasetLayout && e.message === `Veri kümesi klasörü bulunamadı: ${missing}`);
      await assert.rejects(conn.sendRequest(P.classify, { paths: ['relative'] }), (e: ResponseError<void>) =>
        e.code === P.ErrorCodes.InvalidParams && e.message === 'classify: "paths[0]" mutlak bir yol olmalı, gelen: "relative"');
      await conn.sendRequest(P.status); // waits for the engine, whose start is logged
      assert.ok(logs.some((l) => /^Backend \w+ .* ready in \d+ ms\./.test(l)), `the log stays English: ${logs.join('\n')}`);
    });
  });

  it('stays English without the option, and drops a malformed one with a warning', async () => {
    await withServer({}, async (conn) => {
      await assert.rejects(scan(conn), (e: ResponseError<void>) => e.message === `Dataset folder not found: ${missing}`);
    });
    await withServer({ l10n: { language: 'tr; rm -rf', bundle } }, async (conn, logs) => {
      await assert.rejects(scan(conn), (e: ResponseError<void>) => e.message === `Dataset folder not found: ${missing}`);
      assert.ok(logs.some((l) => /initializationOptions\.l10n ignored/.test(l)), logs.join('\n'));
    });
  });
});
