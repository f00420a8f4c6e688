/** A one-line progress bar on a terminal, redrawn at most ten times a second. */
export interface TextSink {
  write(text: string): unknown;
}

export function progressBar(sink: TextSink, enabled: boolean): { update(label: string, done: number, total: number): void; clear(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(label, done, total) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      const width = 30;
      const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : 0;
      const count = total > 0 ? `${done}/${total}` : `${done}`;
      sink.write(`\r${label.padEnd(16)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}\u001b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) sink.write('\r\u001b[K');
      drawn = false;
    },
  };
}
