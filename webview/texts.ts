/** Phrases several panels write: the disclaimer, thread counts, backends and durations. */
import * as l10n from '@vscode/l10n';
import { dec } from './displayFormat';

/** The disclaimer every panel carries. */
export function disclaimer(): string {
  return l10n.t('Research use only, not for clinical diagnosis.');
}

/** "1 thread", "4 threads". */
export function threadsText(n: number): string {
  return n === 1 ? l10n.t('1 thread') : l10n.t('{0} threads', String(n));
}

/** A backend as the panels describe it: "wasm, 4 threads, SIMD". */
export function backendText(b: { kind: string; threads: number; simd: boolean | null }): string {
  return `${b.kind}, ${threadsText(b.threads)}${b.simd ? ', SIMD' : ''}`;
}

/** Seconds with one decimal: "12.3 s". */
export function secondsText(sec: number): string {
  return l10n.t('{0} s', dec(sec, 1));
}

/** Milliseconds, whole: "250 ms". */
export function msText(ms: number): string {
  return l10n.t('{0} ms', String(Math.round(ms)));
}

/** Whole seconds as "5 s", "3 min 07 s", "2 h 05 min" (`pad`: minutes and seconds after a larger unit with two digits). */
export function durationText(seconds: number, pad: boolean): string {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (v: number) => (pad ? String(v).padStart(2, '0') : String(v));
  if (h) return l10n.t('{0} h {1} min', String(h), two(m));
  if (m) return l10n.t('{0} min {1} s', String(m), two(r));
  return l10n.t('{0} s', String(r));
}
