/**
 * The extension's display language (extension/locale.ts): number formats in English and Turkish, and the pure
 * modules' messages rendered with the Turkish bundle (l10n/bundle.l10n.tr.json, the shipped bundle), as the extension host hands it over at
 * activation. English, the default, is what the other unit tests assert.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModelInfo, RunSummary, StatusResult } from '../../server/protocol';
import { compareRunFrom } from '../../extension/compare/compareRuns';
import { evaluateProgressText, parseEvaluateArg } from '../../extension/evaluation/folderChoice';
import { count, dateTime, decimal, displayLanguage, percent, plain, useLanguage, type MessageBundle } from '../../extension/locale';
import { describeBackend, describeModel } from '../../extension/statusText';
import { progressMessage } from '../../extension/training/trainingView';
import { runRecordFrom } from '../../extension/views/runRecords';
import {
  datasetItemView, modelItemView, runItemView, stateText, statusText, trainingStatusText, unreadableItemView,
} from '../../extension/views/treeItemViews';

const ROOT = path.resolve(__dirname, '../../..');
const TR = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.tr.json'), 'utf8')) as MessageBundle;

const english = () => useLanguage('en', undefined);

describe('number formats', () => {
  after(english);

  it('English: the same text toFixed always wrote', () => {
    english();
    assert.equal(displayLanguage(), 'en');
    assert.equal(percent(0.85), '85.0%');
    assert.equal(percent(0.9474, 2), '94.74%');
    assert.equal(percent(1), '100.0%');
    assert.equal(percent(0), '0.0%');
    assert.equal(decimal(0.12345, 3), '0.123');
    assert.equal(decimal(1234.5, 3), '1234.500', 'no grouping, as toFixed');
    assert.equal(count(2602116), '2,602,116');
    assert.equal(plain(0.7), '0.7');
    // Every fraction a percentage can show, and values that sit on a rounding edge.
    for (let i = 0; i <= 20000; i++) {
      const v = i / 20000;
      assert.equal(percent(v), `${(v * 100).toFixed(1)}%`, String(v));
      assert.equal(decimal(v * 3, 3), (v * 3).toFixed(3), String(v * 3));
    }
    for (const v of [0.0145, 0.8555, 0.00005, 0.99995, 0.12345, 0.6665]) {
      assert.equal(percent(v), `${(v * 100).toFixed(1)}%`, String(v));
      assert.equal(percent(v, 2), `${(v * 100).toFixed(2)}%`, String(v));
    }
  });

  it('Turkish: the percent sign first, a decimal comma, dots between thousands', () => {
    useLanguage('tr', TR);
    assert.equal(displayLanguage(), 'tr');
    assert.equal(percent(0.85), '%85,0');
    assert.equal(percent(0.962), '%96,2');
    assert.equal(percent(0.9474, 2), '%94,74');
    assert.equal(decimal(1.5, 3), '1,500');
    assert.equal(decimal(1234.5, 1), '1234,5');
    assert.equal(count(2602116), '2.602.116');
    assert.equal(plain(0.7), '0,7');
    const d = new Date(2026, 11, 4, 13, 5, 9);
    assert.equal(dateTime(d), d.toLocaleString('tr'));
  });

  it('a language without a bundle stays English, text and figures alike', () => {
    useLanguage('de', undefined);
    assert.equal(displayLanguage(), 'en');
    assert.equal(percent(0.85), '85.0%');
    useLanguage('tr', {});
    assert.equal(displayLanguage(), 'en', 'an empty bundle is no bundle');
    assert.equal(percent(0.85), '85.0%');
  });

  it('a tag Intl does not know falls back to English figures', () => {
    useLanguage('not a tag!', TR);
    assert.equal(percent(0.85), '85.0%');
  });
});

const status = (over: Partial<StatusResult['backend']> = {}): StatusResult => ({
  backend: { kind: 'wasm', requested: 'auto', threads: 2, simd: true, reason: 'because', ...over },
} as StatusResult);

const info: ModelInfo = {
  modelDir: '/ext/models/brain-tumor-cnn', bundled: true, runId: 'r1', architecture: 'seed-cnn', inputSize: 128, channels: 1, params: 2602116,
  classes: ['glioma', 'meningioma', 'notumor', 'pituitary'], temperature: 0.7, featureStats: true, createdAt: '2026-11-30T00:00:00Z',
  evaluation: { official: { accuracy: 0.9612, macroF1: 0.96, ece: 0.02, count: 1311 }, deduplicated: { accuracy: 0.95, macroF1: 0.95, ece: 0.02, count: 883 } },
};

const record = {
  runDir: '/runs/r1', runId: 'r1', state: 'completed' as const, model: 'resnet', epochsDone: 3, epochs: 3, bestValAcc: 0.81, testAcc: 0.9, dedupAcc: 0.88,
  createdAt: '', updatedAt: '', dataRoots: ['/data'], resumable: false, hasModel: true,
};

const progress = { runId: 'r', phase: 'training' as const, epoch: 1, epochs: 5, batch: 3, batches: 10, loss: 1, acc: 0.5, imgPerSec: 10, etaSec: 95 };

describe('the pure modules in Turkish', () => {
  before(() => useLanguage('tr', TR));
  after(english);

  it('sidebar items: states, accuracies and tooltips', () => {
    const v = runItemView(record, true);
    assert.equal(v.description, 'doğr. %81,0 · test %90,0 · tamamlandı · etkin');
    assert.ok(v.tooltip.includes('Model resnet, 3/3 epok'), v.tooltip.join('\n'));
    assert.ok(v.tooltip.includes('Test doğruluğu: %90,0 (yinelenenlerden arındırılmış %88,0)'), v.tooltip.join('\n'));
    assert.equal(v.contextValue, 'run.completed.model', 'context values are identifiers: never translated');
    assert.equal(runItemView({ ...record, state: 'cancelled', epochsDone: 1, resumable: true }, false).tooltip[0], 'r1: iptal edildi (sürdürülebilir)');
    const m = modelItemView('bundled', '/ext/models/brain-tumor-cnn', true, 0.95);
    assert.equal(m.label, 'Paketle gelen model');
    assert.equal(m.description, 'etkin · test %95,0');
    assert.equal(modelItemView('run', '/runs/r1', false, null, 0.5).description, 'doğr. %50,0');
    assert.equal(datasetItemView('/d/kaggle', undefined).description, 'henüz taranmadı');
    assert.equal(unreadableItemView('/runs/x', 'bad').description, 'okunamıyor');
    assert.equal(stateText('interrupted'), 'yarıda kaldı');
    assert.equal(statusText('early-stopped'), 'erken durduruldu');
    assert.equal(statusText('from-the-future'), 'from-the-future', 'an unknown status as it is');
  });

  it('status bar items', () => {
    assert.equal(trainingStatusText({ progress }), '$(sync~spin) Epok 2/5, kalan süre 1:35');
    assert.equal(trainingStatusText({ progress: null }), '$(sync~spin) Eğitim: görüntüler yükleniyor');
    assert.equal(describeBackend('stopped', undefined).text, '$(circle-large-outline) Beyin Tümörü');
    assert.match(describeBackend('running', status()).tooltip, /^Beyin Tümörü arka ucu: wasm, 2 iş parçacığı, SIMD\nbecause\nAyrıntılar için tıklayın\.$/);
    assert.equal(describeBackend('running', status()).text, '$(pulse) wasm ×2');
    const d = describeModel(info);
    assert.equal(d.text, '$(package) seed-cnn (paketle gelen)');
    assert.match(d.tooltip, /Test doğruluğu: resmî %96,1, yinelenenlerden arındırılmış %95,0/);
    assert.match(d.tooltip, /2\.602\.116 parametre/);
    assert.match(d.tooltip, /Kalibre edildi \(sıcaklık 0,7\)/);
  });

  it('progress texts: Turkish words, Turkish figures, the counts as they are', () => {
    assert.equal(progressMessage(progress), 'epok 2/5, yığın 3/10, kayıp 1,000, doğruluk %50,0, kalan süre 1:35');
    assert.equal(evaluateProgressText({ phase: 'perturbing', done: 3, total: 10 }), 'bozulmalar altında test 3/10');
    assert.equal(evaluateProgressText({ phase: 'external', done: 3, total: 10, detail: 'br35h' }), 'dış küme br35h 3/10');
  });

  it('errors a person reads', () => {
    const r = runRecordFrom('/r', { format: 'other' }, undefined, undefined, { lockIsLive: () => false, exists: () => false });
    assert.ok('error' in r && r.error === 'metadata.json bir brain-tumor çalıştırmasına ait değil');
    assert.throws(() => parseEvaluateArg({ modelDir: '/r', perturb: 'yes' }), /^Error: "perturb" true ya da false olmalıdır\.$/);
    assert.throws(() => compareRunFrom({ runId: 'x' } as unknown as RunSummary, null), /bu ürünün bir çalıştırmasına ait değil/);
  });

  it('back to English once the bundle is dropped', () => {
    english();
    assert.equal(runItemView(record, false).description, 'val 81.0% · test 90.0% · completed');
    assert.equal(progressMessage(progress), 'epoch 2/5, batch 3/10, loss 1.000, acc 50.0%, ETA 1:35');
    useLanguage('tr', TR);
  });
});
