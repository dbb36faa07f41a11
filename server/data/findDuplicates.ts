/**
 * Exact copies (same MD5) and near copies (dHash within a Hamming threshold), within and across splits, and
 * the leaks: Testing files with a copy in Training. Brute force over all pairs with an early exit per pair:
 * about 25 million pairs for the 7023-image Kaggle set, well under a second.
 */
import type { DuplicateGroup, Leak } from '../protocol';
import { hamming, parseHash } from './dhash';

export interface HashedFile { rel: string; split: string; md5: string; dhash: string }

class UnionFind {
  private parent: Int32Array;
  constructor(n: number) { this.parent = Int32Array.from({ length: n }, (_, i) => i); }
  find(i: number): number {
    while (this.parent[i] !== i) { this.parent[i] = this.parent[this.parent[i]!]!; i = this.parent[i]!; }
    return i;
  }
  union(a: number, b: number): void { this.parent[this.find(a)] = this.find(b); }
}

function groupsFrom(files: HashedFile[], uf: UnionFind, hashes: Uint32Array[]): DuplicateGroup[] {
  const byRoot = new Map<number, number[]>();
  files.forEach((_, i) => {
    const r = uf.find(i);
    const list = byRoot.get(r);
    if (list) list.push(i);
    else byRoot.set(r, [i]);
  });
  const groups: DuplicateGroup[] = [];
  for (const members of byRoot.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => files[a]!.rel.localeCompare(files[b]!.rel));
    const first = members[0]!;
    groups.push({
      files: members.map((i) => files[i]!.rel),
      exact: members.every((i) => files[i]!.md5 === files[first]!.md5),
      maxDistance: Math.max(...members.map((i) => hamming(hashes[first]!, hashes[i]!))),
      crossSplit: new Set(members.map((i) => files[i]!.split)).size > 1,
    });
  }
  return groups.sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

export interface DuplicateFindings { exact: DuplicateGroup[]; near: DuplicateGroup[]; leaks: Leak[] }

export function findDuplicates(files: HashedFile[], threshold: number): DuplicateFindings {
  const hashes = files.map((f) => parseHash(f.dhash));
  const exactUf = new UnionFind(files.length);
  const byMd5 = new Map<string, number>();
  files.forEach((f, i) => {
    const j = byMd5.get(f.md5);
    if (j === undefined) byMd5.set(f.md5, i);
    else exactUf.union(i, j);
  });
  const nearUf = new UnionFind(files.length);
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      if (hamming(hashes[i]!, hashes[j]!, threshold) <= threshold) nearUf.union(i, j);
    }
  }
  return {
    exact: groupsFrom(files, exactUf, hashes),
    // Near groups that are more than a set of byte-identical files (those are listed as exact already).
    near: groupsFrom(files, nearUf, hashes).filter((g) => !g.exact),
    leaks: findLeaks(files.filter((f) => f.split === 'Testing'), files.filter((f) => f.split === 'Training'), threshold),
  };
}

/**
 * Each test file with a (near) copy among the training files: its closest copy, a byte-identical one first. Also
 * across datasets: the test files of one source against the training files of others, or an external set against
 * everything a model trained on.
 */
export function findLeaks(tests: readonly HashedFile[], trains: readonly HashedFile[], threshold: number): Leak[] {
  const trainHashes = trains.map((f) => parseHash(f.dhash));
  const leaks: Leak[] = [];
  for (const f of tests) {
    const h = parseHash(f.dhash);
    let best = -1;
    let bestD = threshold + 1;
    for (let j = 0; j < trains.length; j++) {
      if (trains[j]!.md5 === f.md5) { best = j; bestD = 0; break; } // a byte-identical copy beats everything
      const d = hamming(h, trainHashes[j]!, bestD - 1);
      if (d < bestD) { best = j; bestD = d; }
    }
    if (best >= 0) leaks.push({ testFile: f.rel, trainFile: trains[best]!.rel, distance: bestD, exact: trains[best]!.md5 === f.md5 });
  }
  return leaks;
}
