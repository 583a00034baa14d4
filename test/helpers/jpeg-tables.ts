/**
 * Whether a JPEG was written with optimised Huffman tables: libjpeg's standard tables (ITU
 * T.81 Annex K) have fixed code-length counts, and an optimised encode computes its own from
 * the photo. Reads the DHT segments of the file's header.
 */
// code-length counts (lengths 1..16) of the standard luminance DC table (class 0, id 0)
const STANDARD_LUMA_DC = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];

/** The luminance DC table's 16 code-length counts, or undefined when the file has none. */
function lumaDcCounts(jpeg: Uint8Array): number[] | undefined {
  let p = 2; // after SOI
  while (p + 4 <= jpeg.length && jpeg[p] === 0xff) {
    const marker = jpeg[p + 1];
    const len = (jpeg[p + 2] << 8) | jpeg[p + 3];
    if (marker === 0xda) return undefined; // start of scan: the header is over
    if (marker === 0xc4) {
      // one segment may hold several tables: class/id byte, 16 counts, then the symbols
      for (let q = p + 4; q < p + 2 + len; ) {
        const counts = [...jpeg.subarray(q + 1, q + 17)];
        if (jpeg[q] === 0x00) return counts;
        q += 17 + counts.reduce((a, b) => a + b, 0);
      }
    }
    p += 2 + len;
  }
  return undefined;
}

export function hasOptimisedTables(jpeg: Uint8Array): boolean {
  const counts = lumaDcCounts(jpeg);
  if (!counts) throw new Error('no luminance DC Huffman table in the JPEG header');
  return counts.join() !== STANDARD_LUMA_DC.join();
}
