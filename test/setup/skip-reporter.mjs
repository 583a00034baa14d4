// A second reporter next to spec: one JSON line per skipped or todo test, read back by
// test/run.mjs to enforce the allow-list (test/skip-allow.json) when CI is set.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, skip, todo } = event.data;
    if (skip === undefined && todo === undefined) continue;
    const reason = typeof skip === 'string' ? skip : typeof todo === 'string' ? todo : '';
    yield JSON.stringify({ name, file, kind: skip !== undefined ? 'skip' : 'todo', reason }) + '\n';
  }
}
