import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, nn, noGrad, ones, tensor, zeros } from 'anneal';

class Block extends nn.Module {
  readonly proj = new nn.Linear(4, 3);
  readonly norm = new nn.LayerNorm(3);
  readonly scale = new nn.Parameter(ones([1]));
  constructor() {
    super();
    this.registerBuffer('runningMean', zeros([3]));
    this.registerBuffer('cache', zeros([2]), false);
  }
}

class Net extends nn.Module {
  readonly embed = new nn.Embedding(10, 4);
  readonly blocks = new nn.ModuleList([new Block(), new Block()]);
  readonly head = new nn.Linear(3, 2, { bias: false });
}

test("namedParameters gives dotted names in PyTorch's order: a module's own parameters, then its children's", () => {
  const names = new Net().namedParameters().map(([n]) => n);
  assert.deepEqual(names, [
    'embed.weight',
    'blocks.0.scale', 'blocks.0.proj.weight', 'blocks.0.proj.bias', 'blocks.0.norm.weight', 'blocks.0.norm.bias',
    'blocks.1.scale', 'blocks.1.proj.weight', 'blocks.1.proj.bias', 'blocks.1.norm.weight', 'blocks.1.norm.bias',
    'head.weight',
  ]);
});

test('stateDict holds parameters and persistent buffers, not non-persistent ones', () => {
  const keys = Object.keys(new Net().stateDict());
  assert.ok(keys.includes('blocks.0.runningMean'));
  assert.ok(!keys.some((k) => k.endsWith('cache')));
  assert.equal(keys.length, 12 + 2);
});

test('loadStateDict copies values into a fresh model so both compute the same function', () => {
  manualSeed(1);
  const a = new Net();
  manualSeed(2);
  const b = new Net();
  const x = tensor([[1, 2, 3, 4]]);
  assert.notDeepEqual(a.blocks.at(0).proj.forward(x).toArray(), b.blocks.at(0).proj.forward(x).toArray());
  b.loadStateDict(a.stateDict());
  assert.deepEqual(a.blocks.at(0).proj.forward(x).toArray(), b.blocks.at(0).proj.forward(x).toArray());
  // copied, not aliased
  noGrad(() => a.head.weight.fill_(7));
  assert.notEqual(b.head.weight.toArray(), a.head.weight.toArray());
  assert.ok((b.head.weight.toArray() as number[][]).flat().every((v) => v !== 7));
});

test('strict loadStateDict lists missing and unexpected keys', () => {
  const sd = new Net().stateDict();
  delete sd['head.weight'];
  sd['extra.weight'] = zeros([1]);
  assert.throws(() => new Net().loadStateDict(sd), (err: nn.StateDictError) => {
    assert.deepEqual(err.missingKeys, ['head.weight']);
    assert.deepEqual(err.unexpectedKeys, ['extra.weight']);
    assert.match(err.message, /missing keys: head\.weight/);
    assert.match(err.message, /unexpected keys: extra\.weight/);
    return true;
  });
});

test('non-strict loadStateDict loads what matches and reports the rest', () => {
  const sd = new Net().stateDict();
  delete sd['head.weight'];
  const r = new Net().loadStateDict(sd, false);
  assert.deepEqual(r.missingKeys, ['head.weight']);
  assert.deepEqual(r.unexpectedKeys, []);
});

test('a shape mismatch is an error naming the key and both shapes, even when not strict', () => {
  const sd = new Net().stateDict();
  sd['head.weight'] = zeros([5, 5]);
  assert.throws(() => new Net().loadStateDict(sd, false), /head\.weight: checkpoint has \[5, 5\], model has \[2, 3\]/);
});

test('train() and eval() set the mode on every submodule', () => {
  const net = new Net().eval();
  assert.ok(net.modules().every((m) => !m.training));
  net.train();
  assert.ok(net.modules().every((m) => m.training));
});

test('a parameter shared by two modules is listed once', () => {
  const lm = new nn.TransformerLM({ vocabSize: 11, dModel: 8, nhead: 2, numLayers: 1, maxLen: 6, tieWeights: true });
  const ps = lm.parameters();
  assert.equal(new Set(ps).size, ps.length);
  assert.equal(lm.head, null);
});

test('clone makes an independent deep copy with equal values', () => {
  const a = new Block();
  const b = a.clone();
  assert.notEqual(a.proj.weight, b.proj.weight);
  assert.deepEqual(a.proj.weight.toArray(), b.proj.weight.toArray());
  noGrad(() => b.proj.weight.fill_(0));
  assert.ok((a.proj.weight.toArray() as number[][]).flat().some((v) => v !== 0));
  assert.equal(b.namedParameters().length, a.namedParameters().length);
});

test('Sequential chains modules', () => {
  manualSeed(0);
  const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const x = tensor([[1, -2, 3]]);
  const direct = seq.at(2).forward(seq.at(1).forward(seq.at(0).forward(x)));
  assert.deepEqual(seq.forward(x).toArray(), direct.toArray());
  assert.equal(seq.parameters().length, 4);
});

test('zeroGrad clears the gradients of every parameter', () => {
  const lin = new nn.Linear(2, 2);
  lin.forward(tensor([[1, 2]])).sum().backward();
  assert.ok(lin.weight.grad);
  lin.zeroGrad();
  assert.equal(lin.weight.grad, null);
  assert.equal(lin.bias!.grad, null);
});

test('loadStateDict takes PyTorch\'s strict flag as an option object too', () => {
  const a = new nn.Linear(3, 2);
  const b = new nn.Linear(3, 2);
  const partial = { weight: a.weight };
  assert.throws(() => b.loadStateDict(partial), /missing keys: bias/);
  assert.throws(() => b.loadStateDict(partial, { strict: true }), /missing keys: bias/);
  const r = b.loadStateDict(partial, { strict: false });
  assert.deepEqual(r.missingKeys, ['bias']);
  assert.deepEqual(b.weight.toArray(), a.weight.toArray());
  assert.deepEqual(b.loadStateDict(partial, false).missingKeys, ['bias']);
  assert.throws(() => b.loadStateDict(partial, { strcit: false } as never), /strcit: unknown option of loadStateDict; did you mean strict\?/);
});
