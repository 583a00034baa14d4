// A sandboxed preload can require only 'electron', so preload.ts keeps its own copy of the
// contract's channel names. This test reads that copy from the source (TypeScript's parser,
// not a regex) and holds it to contract.ts, and checks that every IPC call in the preload and
// in main goes through `channels.<name>` rather than a string of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { channels } from '../../electron/common/contract';
import { repoRoot } from '../helpers/paths';

function parse(rel: string): ts.SourceFile {
  const file = join(repoRoot, rel);
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

function each(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => each(c, visit));
}

/** The object literal assigned to `const channels` (through `as const`), as name -> value. */
function channelCopy(src: ts.SourceFile): Record<string, string> | null {
  let found: Record<string, string> | null = null;
  each(src, (n) => {
    if (!ts.isVariableDeclaration(n) || n.name.getText() !== 'channels' || !n.initializer) return;
    let init: ts.Expression = n.initializer;
    while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
    assert.ok(ts.isObjectLiteralExpression(init), 'channels is an object literal');
    found = {};
    for (const p of init.properties) {
      assert.ok(ts.isPropertyAssignment(p) && ts.isStringLiteral(p.initializer), `${p.getText()}: a plain name: 'string' entry`);
      found[p.name.getText()] = p.initializer.text;
    }
  });
  return found;
}

/** First arguments of ipcRenderer.* / ipcMain.* / webContents.send calls. */
function ipcChannelArgs(src: ts.SourceFile): ts.Expression[] {
  const out: ts.Expression[] = [];
  each(src, (n) => {
    if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression) || !n.arguments.length) return;
    const target = n.expression.expression.getText();
    const method = n.expression.name.text;
    const ipc = /(^|\.)(ipcRenderer|ipcMain)$/.test(target) || (/webContents$/.test(target) && method === 'send');
    if (ipc && ['invoke', 'send', 'on', 'once', 'handle', 'removeListener', 'removeHandler', 'removeAllListeners'].includes(method)) out.push(n.arguments[0]);
  });
  return out;
}

test("preload.ts's copy of the channel names equals the contract's", () => {
  const copy = channelCopy(parse('electron/preload.ts'));
  assert.ok(copy, 'preload.ts declares const channels');
  assert.deepEqual(copy, { ...channels });
});

test('every IPC call in preload.ts and main.ts names its channel through `channels`', () => {
  for (const rel of ['electron/preload.ts', 'electron/main.ts']) {
    const args = ipcChannelArgs(parse(rel));
    assert.ok(args.length >= 3, `${rel}: IPC calls found (${args.length})`);
    for (const a of args) {
      const m = /^channels\.(\w+)$/.exec(a.getText());
      assert.ok(m && Object.hasOwn(channels, m[1]), `${rel}: channel ${a.getText()} is not one of the contract's channels`);
    }
  }
});
