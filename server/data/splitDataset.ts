/**
 * Training -> train + validation, stratified by class (and source, when several datasets are combined),
 * reproducible from a seed, and leak-free: every group of near-duplicate images lands on one side, so validation
 * never scores a near copy of a training image, even when the copy comes from another source.
 */
import type { DuplicateGroup } from '../protocol';
import type { DatasetLabel } from './classNames';

export interface SplitItem {
  /** Unique among the items: matched against the duplicate groups' file names. */
  rel: string;
  label: DatasetLabel;
  /** What the split is stratified by; default the label (several sources: source and label). */
  stratum?: string;
}
export interface SplitOptions { valFraction?: number; seed?: number }
export interface TrainValSplit { train: number[]; val: number[] }

/** mulberry32: a small, well-distributed PRNG; the same seed gives the same split on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Group index per item: items in one duplicate group (exact or near) share it; the rest are alone. */
export function duplicateGroups(items: readonly SplitItem[], groups: readonly DuplicateGroup[]): number[] {
  const index = new Map(items.map((it, i) => [it.rel, i]));
  const gid = items.map((_, i) => i);
  const find = (i: number): number => (gid[i] === i ? i : (gid[i] = find(gid[i]!)));
  for (const g of groups) {
    const members = g.files.map((f) => index.get(f)).filter((i): i is number => i !== undefined);
    for (const m of members.slice(1)) gid[find(m)] = find(members[0]!);
  }
  return items.map((_, i) => find(i));
}

export function splitTrainValidation(items: readonly SplitItem[], groupOf: readonly number[], opts: SplitOptions = {}): TrainValSplit {
  const valFraction = opts.valFraction ?? 0.15;
  if (!(valFraction > 0 && valFraction < 1)) throw new Error(`valFraction must be between 0 and 1, got ${valFraction}`);
  const rand = seededRandom(opts.seed ?? 42);
  const members = new Map<number, number[]>();
  items.forEach((_, i) => {
    const list = members.get(groupOf[i]!);
    if (list) list.push(i);
    else members.set(groupOf[i]!, [i]);
  });
  const groups = [...members.values()];
  for (let i = groups.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [groups[i], groups[j]] = [groups[j]!, groups[i]!];
  }
  const stratum = (it: SplitItem) => it.stratum ?? it.label;
  const perClass = new Map<string, number>();
  for (const it of items) perClass.set(stratum(it), (perClass.get(stratum(it)) ?? 0) + 1);
  const target = new Map([...perClass].map(([c, n]) => [c, Math.round(n * valFraction)]));
  const inVal = new Map<string, number>();
  const train: number[] = [];
  const val: number[] = [];
  for (const g of groups) {
    // A group counts for its first member's stratum (duplicates share a label unless mislabelled).
    const label = stratum(items[g[0]!]!);
    const have = inVal.get(label) ?? 0;
    if (have + g.length <= target.get(label)!) {
      val.push(...g);
      inVal.set(label, have + g.length);
    } else {
      train.push(...g);
    }
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}
