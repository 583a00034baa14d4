/**
 * A Float32Array made ready while the caller waits on something else, such as a RAW
 * decoder that computes for seconds before its first output byte. The first write to
 * fresh memory faults in every 4 KiB page (about 180 ms for a 24 MP float photo on the
 * bench machine); done ahead, that cost leaves the critical path. Pages are touched in
 * slices between event-loop turns, so the thread keeps answering meanwhile.
 *
 *   reserveFloats(n) -> { take(size), stop(), touched() }
 *     take(size): the reserved array (touched or not) when size is n or up to 10 % less
 *       (a camera's visible area inside its sensor size: a view of it), else a new one;
 *       touching stops either way.
 *     touched(): floats made ready so far (one slice per event-loop turn).
 */
export const SLICE = 4 * 1024 * 1024; // floats per turn: 16 MiB, a few ms

export interface FloatReservation {
  take(size: number): Float32Array;
  stop(): void;
  touched(): number;
}

export function reserveFloats(n: number): FloatReservation {
  let buf: Float32Array | null = n > 0 ? new Float32Array(n) : null;
  let at = 0;
  let timer: NodeJS.Immediate | null = null;
  const step = (): void => {
    timer = null;
    if (!buf || at >= n) return;
    const end = Math.min(n, at + SLICE);
    buf.fill(0, at, end); // a write, so the kernel maps real pages now
    at = end;
    timer = setImmediate(step);
  };
  timer = setImmediate(step);
  const stop = (): void => {
    if (timer) clearImmediate(timer);
    timer = null;
  };
  return {
    take(size: number): Float32Array {
      stop();
      const mine = buf;
      buf = null;
      if (mine && size === n) return mine;
      return mine && size < n && size * 10 >= n * 9 ? mine.subarray(0, size) : new Float32Array(size);
    },
    stop(): void {
      stop();
      buf = null;
    },
    touched: () => at,
  };
}
