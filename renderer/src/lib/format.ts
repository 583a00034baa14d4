// Small display formatters for EXIF badges and progress.
export function shutter(t: number | null): string | null {
  if (t == null || !(t > 0)) return null;
  if (t >= 1) return `${Number(t.toFixed(1))}s`;
  return `1/${Math.round(1 / t)}`;
}

export function aperture(f: number | null): string | null {
  return f == null || !(f > 0) ? null : `f/${Number(f.toFixed(1))}`;
}

export function ev(b: number | null): string | null {
  if (b == null || b === 0) return b === 0 ? '±0 EV' : null;
  return `${b > 0 ? '+' : '−'}${Math.abs(Number(b.toFixed(2)))} EV`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function duration(s: number | null): string {
  if (s == null || !Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
