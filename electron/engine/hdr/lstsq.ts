// Dense linear least squares min ||A x - b|| by Householder QR in float64.
// QR rather than normal equations: Debevec's system mixes data rows (weights ~1..128)
// with lambda-scaled smoothness rows, and squaring that condition number would cost
// most of double precision.

/** A is m x n row-major (m >= n, full column rank). Returns x (length n). A and b are not modified. */
export function lstsq(A: Float64Array, b: Float64Array, m: number, n: number): Float64Array {
  if (A.length !== m * n || b.length !== m) throw new Error(`lstsq: expected ${m}x${n} matrix and ${m} right-hand sides`);
  if (m < n) throw new Error(`lstsq: underdetermined system (${m} equations, ${n} unknowns)`);
  // column-major copy: Householder updates walk down columns
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[j * m + i] = A[i * n + j];
  const y = Float64Array.from(b);
  const diag = new Float64Array(n);
  let maxDiag = 0;
  for (let k = 0; k < n; k++) {
    const ck = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[ck + i] * a[ck + i];
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error(`lstsq: column ${k} is zero (rank deficient)`);
    const alpha = a[ck + k] > 0 ? -norm : norm;
    // v = x - alpha e1, stored in place; H = I - 2 v v^T / (v^T v)
    a[ck + k] -= alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += a[ck + i] * a[ck + i];
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[ck + i] * a[cj + i];
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) a[cj + i] -= f * a[ck + i];
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += a[ck + i] * y[i];
    const f = (2 * dot) / vv;
    for (let i = k; i < m; i++) y[i] -= f * a[ck + i];
    diag[k] = alpha;
    maxDiag = Math.max(maxDiag, Math.abs(alpha));
  }
  // back substitution with R (diag in `diag`, above-diagonal entries in a)
  const x = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    if (Math.abs(diag[k]) <= maxDiag * 1e-13) throw new Error(`lstsq: matrix is rank deficient at column ${k}`);
    let s = y[k];
    for (let j = k + 1; j < n; j++) s -= a[j * m + k] * x[j];
    x[k] = s / diag[k];
  }
  return x;
}
