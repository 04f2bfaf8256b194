/** Module option objects reject unknown keys, naming the key and the one it most likely meant. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import * as nn from '../../src/nn/index.js';

function rejects(make: () => unknown, key: string, suggestion: string | null): void {
  assert.throws(make, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, new RegExp(`^${key}: unknown option of \\w+`));
    if (suggestion) assert.match(e.message, new RegExp(`did you mean ${suggestion}\\?`));
    return true;
  });
}

test('a misspelt model option is an error with a suggestion, not silently ignored', () => {
  rejects(() => new nn.TransformerLM({ vocabSize: 10, dModel: 8, nhead: 2, dropuot: 0.5 } as never), 'dropuot', 'dropout');
  rejects(() => new nn.TransformerSeq2Seq({ srcVocabSize: 5, tgtVocabSize: 5, d_model: 8 } as never), 'd_model', 'dModel');
  rejects(() => new nn.TransformerSeq2Seq({ srcVocabSize: 5, tgtVocabSize: 5, tieOutput: true } as never), 'tieOutput', 'tieWeights');
});

test('layer options are checked too: Linear, Embedding, LayerNorm, attention, Transformer layers', () => {
  rejects(() => new nn.Linear(2, 3, { bais: false } as never), 'bais', 'bias');
  rejects(() => new nn.Embedding(5, 3, { padding_idx: 0 } as never), 'padding_idx', 'paddingIdx');
  rejects(() => new nn.LayerNorm(4, { epsilon: 1e-6 } as never), 'epsilon', null);
  rejects(() => new nn.MultiheadAttention(8, 2, { batch_first: false } as never), 'batch_first', 'batchFirst');
  rejects(() => new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16 } as never), 'dim_feedforward', 'dimFeedforward');
  rejects(() => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayer: 1 } as never), 'numEncoderLayer', 'numEncoderLayers');
});

test('a bad value names the option', () => {
  assert.throws(() => new nn.TransformerLM({ vocabSize: 10, dModel: 8, nhead: 2, dropout: 1.5 }), (e: unknown) => e instanceof ConfigError && e.field === 'dropout');
  assert.throws(() => new nn.TransformerLM({ vocabSize: 10, activation: 'tanh' as never }), (e: unknown) => e instanceof ConfigError && e.field === 'activation');
});

test('every module option has a description', () => {
  for (const [name, schema] of Object.entries(nn.options)) {
    if (typeof schema !== 'object' || schema === null || !('shape' in schema)) continue;
    for (const [field, s] of Object.entries((schema as { shape: Record<string, { description?: string }> }).shape)) {
      assert.ok(s.description, `${name}.${field} has no description`);
    }
  }
});
