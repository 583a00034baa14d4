import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseExecutionProvider, resolveExecutionProvider, type EpFacts } from '../../../electron/engine/model/backend';

const npmBackends = [
  { name: 'cpu', bundled: true },
  { name: 'webgpu', bundled: true },
  { name: 'cuda', bundled: false },
];
const facts = (over: Partial<EpFacts>): EpFacts => ({ platform: 'linux', backends: npmBackends, providerLibExists: () => false, ...over });

test('linux picks CUDA only when its provider library is installed', () => {
  assert.equal(chooseExecutionProvider(facts({})).provider, 'cpu');
  assert.equal(chooseExecutionProvider(facts({ providerLibExists: (ep) => ep === 'cuda' })).provider, 'cuda');
});

test('Windows picks DirectML, macOS CoreML, when the build has them', () => {
  const win = [{ name: 'cpu', bundled: true }, { name: 'dml', bundled: true }];
  assert.equal(chooseExecutionProvider(facts({ platform: 'win32', backends: win })).provider, 'dml');
  const mac = [{ name: 'cpu', bundled: true }, { name: 'coreml', bundled: true }];
  assert.equal(chooseExecutionProvider(facts({ platform: 'darwin', backends: mac })).provider, 'coreml');
  assert.equal(chooseExecutionProvider(facts({ platform: 'darwin', backends: [{ name: 'cpu', bundled: true }] })).provider, 'cpu');
});

test('EVENLIGHT_EP overrides; an unknown value falls back to cpu with a reason', () => {
  assert.equal(chooseExecutionProvider(facts({ override: 'CUDA' })).provider, 'cuda');
  const bad = chooseExecutionProvider(facts({ override: 'tpu' }));
  assert.equal(bad.provider, 'cpu');
  assert.match(bad.reason, /tpu/);
});

test('this machine resolves a provider from the real ORT binding (cpu, or cuda where its library is installed)', () => {
  const saved = process.env.EVENLIGHT_EP;
  delete process.env.EVENLIGHT_EP;
  try {
    const c = resolveExecutionProvider();
    assert.ok(['cpu', 'cuda'].includes(c.provider), c.provider);
    assert.ok(c.reason.length > 0);
  } finally {
    if (saved !== undefined) process.env.EVENLIGHT_EP = saved;
  }
});
