/**
 * The two backends train alike: from the same seed, one training step (forward with every dropout,
 * label-smoothed loss, backward, clipping, AdamW) gives the same loss to float32 tolerance, draws
 * exactly the same dropout masks (the generator ends in the same state), and leaves the same
 * parameters; and the optimizer fixtures of PyTorch replay bit for bit on both.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getBackend, nativeBackend, setBackend, type Backend } from '../../src/backend/index.js';
import { TransformerLM, TransformerSeq2Seq, utils } from '../../src/nn/index.js';
import { Adam, AdamW, SGD, type AdamOptions, type SGDOptions } from '../../src/optim/index.js';
import { dropout, getRngState, manualSeed, ones, randint, tidy, type Tensor } from '../../src/tensor/index.js';
import { crossEntropy } from '../../src/loss/index.js';
import { assertClose } from '../helpers/index.js';
import { assertMatchesFixture, loadOptimizerFixture, type MakeOptimizer } from '../optim/trajectory.js';

const native = nativeBackend();

function onBackend<T>(b: string | Backend, fn: () => T): T {
  const prev = getBackend();
  setBackend(b);
  try {
    return fn();
  } finally {
    setBackend(prev);
  }
}

interface StepResult { losses: number[]; rng: string; grads: Float32Array[]; gradNorms: number[] }

function trainSteps(kind: 'lm' | 'seq2seq', steps: number): StepResult {
  manualSeed(7);
  const model = kind === 'lm'
    ? new TransformerLM({ vocabSize: 13, dModel: 16, nhead: 2, numLayers: 2, dimFeedforward: 24, maxLen: 12, dropout: 0.1 })
    : new TransformerSeq2Seq({ srcVocabSize: 13, tgtVocabSize: 13, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 24, dropout: 0.1, maxLen: 16, srcPaddingIdx: 0, tgtPaddingIdx: 0 });
  const opt = new AdamW(model.parameters(), { lr: 1e-2, betas: [0.9, 0.98] });
  const losses: number[] = [], gradNorms: number[] = [];
  let grads: Float32Array[] = [];
  model.train();
  for (let s = 0; s < steps; s++) {
    const ids = randint(1, 13, [3, 9]);
    const src = randint(0, 13, [3, 7]);
    losses.push(tidy(() => {
      const l = kind === 'lm'
        ? crossEntropy((model as TransformerLM).forward(ids.narrow(1, 0, 8)), ids.narrow(1, 1, 8), { labelSmoothing: 0.1 })
        : crossEntropy((model as TransformerSeq2Seq).forward(src, ids.narrow(1, 0, 8)), ids.narrow(1, 1, 8), { labelSmoothing: 0.1, ignoreIndex: 0 });
      opt.zeroGrad();
      l.backward();
      return l.item();
    }));
    if (s === 0) grads = model.parameters().map((p: Tensor) => p.grad!.toTypedArray() as Float32Array);
    gradNorms.push(tidy(() => utils.clipGradNorm(model.parameters(), 0.5)));
    tidy(() => opt.step());
  }
  return { losses, rng: JSON.stringify(getRngState()), grads, gradNorms };
}

describe('the JS and native backends train alike', { skip: native ? false : 'the native addon is not built' }, () => {
  for (const kind of ['lm', 'seq2seq'] as const) {
    // parameters are not compared after Adam steps: Adam turns the rounding noise of gradients that are
    // zero in exact arithmetic (the key bias: softmax ignores a constant added to a row) into +-lr steps
    test(`${kind}: same losses over three AdamW steps, same gradients and dropout draws, from one seed`, () => {
      const js = onBackend('js', () => trainSteps(kind, 3));
      const nat = onBackend('native', () => trainSteps(kind, 3));
      assertClose(nat.losses, js.losses, { rtol: 1e-5, atol: 1e-6 }, 'loss');
      assertClose(nat.gradNorms, js.gradNorms, { rtol: 1e-4, atol: 1e-6 }, 'grad norm');
      assert.equal(nat.rng, js.rng, 'the same number of dropout draws');
      nat.grads.forEach((g, i) => {
        const scale = Math.max(...Array.from(js.grads[i]!, Math.abs));
        assertClose(g, js.grads[i]!, { rtol: 1e-3, atol: 1e-4 * scale + 1e-9 }, `gradient of parameter ${i}`);
      });
    });
  }

  test('dropout draws the same mask on both backends, and leaves the generator in the same state', () => {
    const draw = () => {
      manualSeed(3);
      const y = dropout(ones([5000]), 0.3).toTypedArray();
      return { y, state: JSON.stringify(getRngState()) };
    };
    const js = onBackend('js', draw), nat = onBackend('native', draw);
    assert.deepEqual(nat.y, js.y);
    assert.equal(nat.state, js.state);
  });
});

describe("PyTorch's optimizer trajectories replay bit for bit on both backends", () => {
  const makers: Record<string, MakeOptimizer> = {
    adam: (g, o) => new Adam(g, o as Partial<AdamOptions>),
    adamw: (g, o) => new AdamW(g, o as Partial<AdamOptions>),
    sgd: (g, o) => new SGD(g, o as Partial<SGDOptions>),
  };
  for (const backend of native ? ['js', 'native'] : ['js']) {
    for (const [name, make] of Object.entries(makers)) {
      test(`${name} on the ${backend} backend: every case, every step, exactly`, (t) => {
        const fx = loadOptimizerFixture(name);
        onBackend(backend, () => { for (const c of fx.cases) assertMatchesFixture(t, fx, c, make, { rtol: 0, atol: 0 }); });
      });
    }
  }
});
