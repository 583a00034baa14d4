// 8-bit quantisation shared by the metrics: both PSNR and SSIM are defined on the
// 8-bit sRGB values a viewer would actually see, so float headroom is clipped first.
export function to8bit(v: number): number {
  const q = Math.round(v * 255);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}
