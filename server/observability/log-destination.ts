import { destination } from 'pino';

/**
 * Where JSON log lines go: stdout through sonic-boom (pino's own writer: EAGAIN retries, a
 * synchronous flush at exit), fed in batches. Sonic-boom buffering alone (`minLength`) measures
 * the byte length of its whole pending buffer on every line, which cost ~6% of a cached read;
 * here lines are gathered in an array and handed over joined, once per 16 KB or once per
 * `flushMs`, so a quiet service still writes its lines within a tenth of a second.
 */
export class BatchedLogDestination {
  private readonly sink = destination({ dest: 1, sync: false });
  private lines: string[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly batchChars = 16_384,
    private readonly flushMs = 100,
  ) {}

  write(line: string): boolean {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= this.batchChars) this.drain();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.drain(), this.flushMs);
      this.timer.unref();
    }
    return true;
  }

  /** pino's `logger.flush(cb)`: every gathered line written out, then `cb`. */
  flush(callback?: (error?: Error) => void): void {
    this.drain();
    this.sink.flush(callback ?? (() => undefined));
  }

  flushSync(): void {
    this.drain();
    this.sink.flushSync();
  }

  private drain(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.lines.length === 0) return;
    const batch = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.chars = 0;
    this.sink.write(batch);
  }
}
