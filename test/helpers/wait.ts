// Polling with a deadline: a condition that never comes true fails with what was awaited,
// instead of spinning until the runner's timeout.
export async function waitFor(cond: () => boolean, what: string, { timeoutMs = 60_000, everyMs = 10 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, everyMs));
  }
}
