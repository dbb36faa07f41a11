/**
 * The backend's memory of scanned datasets: the latest full scan (every file's verdict, not just the report)
 * per root, for the jobs that follow a scan (splitting, training, evaluation on "Testing, deduplicated").
 * One scan per root at a time: a second request for the same root waits for the running one's result.
 */
import { scanDataset, type ScanOptions, type ScanResult } from './scanDataset';

export class DatasetStore {
  private readonly latest = new Map<string, ScanResult>();
  private readonly running = new Map<string, Promise<ScanResult>>();

  async scan(root: string, opts: ScanOptions): Promise<ScanResult> {
    const pending = this.running.get(root);
    if (pending) return pending;
    const job = scanDataset(root, opts).then((r) => {
      this.latest.set(r.report.root, r);
      return r;
    }).finally(() => this.running.delete(root));
    this.running.set(root, job);
    return job;
  }

  get(root: string): ScanResult | undefined {
    return this.latest.get(root);
  }
}
