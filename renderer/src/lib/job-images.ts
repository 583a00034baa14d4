// A job's images (Compare's three) assembled from their binary frames as they arrive, so
// they are whole by the time the job's response says how to show them.
import type { TileFrame } from '../../../electron/common/contract';
import { onJobFrames } from './transport';

export interface JobImages {
  /** one per layer, once its first frame has arrived */
  layers: Map<number, ImageData>;
  stop(): void;
}

/** Starts collecting the frames of `jobId`; call before sending the request, stop when done. */
export function collectJobImages(jobId: string): JobImages {
  const layers = new Map<number, ImageData>();
  const put = (t: TileFrame): void => {
    let img = layers.get(t.layer);
    if (!img || img.width !== t.imageWidth || img.height !== t.imageHeight) {
      img = new ImageData(t.imageWidth, t.imageHeight);
      layers.set(t.layer, img);
    }
    const rowBytes = t.w * 4;
    for (let r = 0; r < t.h; r++) img.data.set(t.rgba.subarray(r * rowBytes, (r + 1) * rowBytes), ((t.y + r) * t.imageWidth + t.x) * 4);
  };
  return { layers, stop: onJobFrames(jobId, put) };
}

/** Svelte action: draws an ImageData into the canvas (and again when it changes). */
export function drawImage(canvas: HTMLCanvasElement, image: ImageData | undefined) {
  const draw = (img: ImageData | undefined): void => {
    if (!img) return;
    canvas.width = img.width;
    canvas.height = img.height;
    canvas.getContext('2d')?.putImageData(img, 0, 0);
  };
  draw(image);
  return { update: draw };
}
