/**
 * Serialises one little-endian TIFF IFD: entries sorted by tag, next-IFD offset 0, and
 * values longer than 4 bytes stored (word-aligned) right after the directory. Shared by
 * the synthetic DNG writer and the EXIF-block builder used by tests.
 */
export interface IfdEntry {
  tag: number;
  /** TIFF field type code (2 ascii, 3 short, 4 long, 5 rational, 10 srational, …) */
  type: number;
  count: number;
  data: Buffer;
}

/** One IFD placed at file offset `start`, followed by its out-of-line values. */
export function serializeIfd(entries: IfdEntry[], start: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const size = 2 + sorted.length * 12 + 4;
  const ifd = Buffer.alloc(size);
  ifd.writeUInt16LE(sorted.length, 0);
  const blobs: Buffer[] = [];
  let dataPos = start + size;
  sorted.forEach(({ tag, type, count, data }, i) => {
    const e = 2 + i * 12;
    ifd.writeUInt16LE(tag, e);
    ifd.writeUInt16LE(type, e + 2);
    ifd.writeUInt32LE(count, e + 4);
    if (data.length <= 4) data.copy(ifd, e + 8);
    else {
      ifd.writeUInt32LE(dataPos, e + 8);
      const padded = data.length % 2 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
      blobs.push(padded);
      dataPos += padded.length;
    }
  });
  return Buffer.concat([ifd, ...blobs]);
}
