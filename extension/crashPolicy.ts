/**
 * When the backend dies: restart it, tell the user the first time only, and stop trying after a burst of
 * crashes (a backend that dies at start would otherwise restart forever). No vscode import: unit-tested.
 */

/** More crashes than this within CRASH_WINDOW_MS and the backend stays down until the user restarts it. */
export const MAX_CRASHES = 4;
export const CRASH_WINDOW_MS = 3 * 60_000;

/** Decides what to do when the backend's connection closes unexpectedly. Pure, so it is unit-tested. */
export class CrashPolicy {
  private times: number[] = [];
  private told = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a crash; says whether to restart and whether this is the one time to tell the user. */
  onCrash(): { restart: boolean; tellUser: boolean } {
    const t = this.now();
    this.times = this.times.filter((x) => t - x < CRASH_WINDOW_MS);
    this.times.push(t);
    if (this.times.length > MAX_CRASHES) return { restart: false, tellUser: true };
    const tellUser = !this.told;
    this.told = true;
    return { restart: true, tellUser };
  }

  /** A deliberate restart by the user starts the count afresh. */
  reset(): void {
    this.times = [];
  }
}
