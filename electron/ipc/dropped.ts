/**
 * Folders the user dropped on the Electron window. The preload resolves a dropped File to
 * its path (only a real drop or file pick yields one) and tells main; `openFolder` with a
 * path is granted in Electron only if that path was announced this way, once, recently.
 * A compromised renderer can still call openFolder, but not with a path of its choosing.
 */
export interface DropRegistry {
  add(path: string): void;
  /** True once for a path added within the last `ttlMs`; consumes it. */
  take(path: string): boolean;
}

export function createDropRegistry(ttlMs = 60_000, now: () => number = Date.now): DropRegistry {
  const drops = new Map<string, number>();
  return {
    add(path) {
      // bounded: a flood of drops cannot grow memory
      if (drops.size >= 64) drops.delete(drops.keys().next().value as string);
      drops.set(path, now());
    },
    take(path) {
      const at = drops.get(path);
      drops.delete(path);
      return at !== undefined && now() - at <= ttlMs;
    },
  };
}
