/**
 * One line of progress on stderr, rewritten in place while a long command runs (`eval`,
 * `fuse`), and cleared before its summary or an error. Only on a terminal: piped or with --json
 * it writes nothing.
 *
 *   statusLine(enabled, width) -> { enabled, show(text), clear() }
 */
export interface StatusLine {
  enabled: boolean;
  show(text: string): void;
  clear(): void;
}

export function statusLine(enabled: boolean, width: number): StatusLine {
  return {
    enabled,
    show: (text) => void (enabled && process.stderr.write(`\r${text}`.padEnd(width))),
    clear: () => void (enabled && process.stderr.write('\r'.padEnd(width + 1) + '\r')),
  };
}
