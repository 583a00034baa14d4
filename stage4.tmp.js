const { getModel } = require('./dist/electron/engine/model/session');
const { readRaster } = require('./dist/electron/engine/image/io');
const { areaResizeNchw } = require('./dist/electron/engine/normalize/thumbnail');
const { predictTransform } = require('./dist/electron/engine/normalize/ai');
const { wasmKernel } = require('./dist/electron/engine/normalize/curve-apply-wasm');
const { shadowKernel8 } = require('./dist/electron/engine/normalize/shadow-smooth-wasm');
const { defaultModelDir } = require('./dist/electron/engine/settings');
(async () => {
  const [session, read] = await Promise.all([getModel(defaultModelDir()), readRaster(process.argv[2], {})]);
  const r = read.raster; const W = r.width, H = r.height, row = W*3;
  const thumb = areaResizeNchw(r, session.contextSize, undefined, 1, 1 / 255);
  const t = await predictTransform(session, thumb);
  const k = wasmKernel(), s8 = shadowKernel8();
  let buf = new Float32Array(224*row);
  const io = { inMax: 255, outMax: 255, strength: 1, height: H };
  for (let rep = 0; rep < 2; rep++) {
  let ts = 0, ta = 0, tc = 0, changedRows = 0;
  const out = new Uint8Array(224*row);
  for (let y0 = 0; y0 < H; y0 += 224) {
    const y1 = Math.min(H, y0+224);
    let q = performance.now();
    const sm = s8(r.data, W, H, y0, y1, 0, buf);
    ts += performance.now() - q; q = performance.now();
    const core = r.data.subarray(y0*row, y1*row);
    for (let a = y0; a < y1;) {
      const flag = sm?.changed[a-y0] ?? 0; let b = a+1;
      while (b < y1 && (sm?.changed[b-y0] ?? 0) === flag) b++;
      if (flag) changedRows += b - a;
      const from=(a-y0)*row, to=(b-y0)*row;
      k.applyRows(core.subarray(from,to), out.subarray(from,to), W, a, b, t, { ...io, bufferRow0: a, shadow: flag ? sm.values.subarray(from,to) : undefined });
      a = b;
    }
    ta += performance.now() - q;
  }
  console.log(JSON.stringify({ smooth: Math.round(ts), apply: Math.round(ta), changedRows, H }));
  }
  process.exit(0);
})();
