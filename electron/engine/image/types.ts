/**
 * Pixel containers shared by every engine module.
 *
 * Float images are interleaved RGB, display-referred and sRGB-encoded, nominally 0..1.
 * Images decoded from camera RAW may exceed 1: that is highlight headroom a JPEG would
 * have clipped, and it is kept until the final encode.
 */
export interface RgbFloat {
  width: number;
  height: number;
  /** length = width * height * 3, row-major, interleaved R,G,B */
  data: Float32Array;
}

/** Integer RGB pixels as decoded or ready to encode: 8-bit, or 16-bit for tiff16 and 16-bit sources. */
export interface Raster {
  width: number;
  height: number;
  bits: 8 | 16;
  /** length = width * height * 3, interleaved R,G,B */
  data: Uint8Array | Uint16Array;
}

/** Single-channel float plane (masks, weights, luminance). */
export interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/** Axis-aligned rectangle in image pixel coordinates. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What a photo is (its content, by magic bytes) and what Evenlight writes: the formats table's names. */
export type { PhotoType as InputFormat, OutputFormat } from '../../common/formats';
