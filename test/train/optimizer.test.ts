import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optim, train } from 'anneal';

test('the config picks each optimizer, over weight-decay groups that exempt biases, norms and positions', () => {
  const expected = { adamw: optim.AdamW, adam: optim.Adam, sgd: optim.SGD, adafactor: optim.Adafactor } as const;
  for (const [name, cls] of Object.entries(expected)) {
    const config = train.parseTrainConfig({ data: { maxDigits: 3, validSize: 10, testSize: 10 }, optimizer: { name, lr: 0.01, weightDecay: 0.05, momentum: name === 'sgd' ? 0.9 : 0 } });
    const model = train.createTask(config).buildModel();
    const opt = train.buildOptimizer(config, model);
    assert.ok(opt instanceof cls, name);
    assert.equal(opt.paramGroups.length, 2);
    assert.equal((opt.paramGroups[0] as { weightDecay: number }).weightDecay, 0.05);
    assert.equal((opt.paramGroups[1] as { weightDecay: number }).weightDecay, 0);
    const exempt = new Set(opt.paramGroups[1]!.params);
    for (const [pname, p] of model.namedParameters()) {
      const shouldBeExempt = p.ndim < 2 || /norm/.test(pname);
      assert.equal(exempt.has(p), shouldBeExempt, `${name}: ${pname}`);
    }
  }
});

test('training runs with SGD and with Adafactor from the config', async () => {
  for (const [name, lr] of [['sgd', 0.05], ['adafactor', 0.01]] as const) {
    const losses: number[] = [];
    await train.train(
      {
        data: { maxDigits: 3, validSize: 0, testSize: 20 },
        model: { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 },
        optimizer: { name, lr, momentum: name === 'sgd' ? 0.9 : 0 },
        schedule: { name: 'constant' },
        training: { maxSteps: 60, batchSize: 16, logEvery: 10, samples: 0 },
      },
      { onEvent: (e) => { if (e.type === 'step') losses.push(e.loss); } },
    );
    assert.ok(losses.at(-1)! < losses[0]! - 0.5, `${name}: ${losses[0]} -> ${losses.at(-1)}`);
  }
});
