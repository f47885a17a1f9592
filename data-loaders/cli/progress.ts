/**
 * Progress for someone watching a terminal: while long work runs, one status line on stderr,
 * redrawn in place about once a second (the time so far and the latest step), and erased when
 * the work ends, so the output that follows is as it would be without it. Only on a terminal and
 * without --verbose: piped (scripts, tests, CI logs) nothing is drawn, and --verbose prints its
 * own lines instead.
 */
export type ProgressOutput = { isTTY?: boolean; columns?: number; write(text: string): unknown };

const ERASE = "\r\x1b[2K";

export class Progress {
  private step = "";
  private drawnAt: number;
  private drawn = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly started: number;

  /** A progress line for `what` on `out` when it is a terminal and `verbose` is off; null otherwise. */
  static start(what: string, { verbose = false, out = process.stderr as ProgressOutput, intervalMs = 1000, now = Date.now } = {}): Progress | null {
    return out.isTTY && !verbose ? new Progress(what, out, intervalMs, now) : null;
  }

  private constructor(
    private readonly what: string,
    private readonly out: ProgressOutput,
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {
    this.started = this.drawnAt = now();
    // for work that waits (DuckDB's threads, I/O); synchronous work calls update, which draws too
    this.timer = setInterval(() => this.draw(), intervalMs);
    this.timer.unref();
  }

  /** The latest step; drawn now if the line is due (so a synchronous loop that calls this shows progress too). */
  update(step: string): void {
    this.step = step;
    if (this.now() - this.drawnAt >= this.intervalMs) this.draw();
  }

  /** Erases the line (before other output: it is drawn again on the next tick). */
  clear(): void {
    if (this.drawn) this.out.write(ERASE);
    this.drawn = false;
  }

  /** Erases the line and stops drawing. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.clear();
  }

  private draw(): void {
    const now = this.now();
    if (this.stopped) return;
    if (now - this.started < this.intervalMs) return; // short work shows nothing
    this.drawnAt = now;
    const line = `strata: ${this.what}: ${Math.round((now - this.started) / 1000)} s${this.step ? `: ${this.step}` : ""}`;
    const width = Math.max((this.out.columns || 80) - 1, 20); // no width known (0): 80
    this.out.write(`${ERASE}${[...line].length > width ? `${[...line].slice(0, width - 1).join("")}…` : line}`);
    this.drawn = true;
  }
}
