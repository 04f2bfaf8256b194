/**
 * Losses as modules (torch.nn.CrossEntropyLoss, torch.nn.MSELoss): the options are fixed at
 * construction and forward(input, target) applies them. Unlike PyTorch, CrossEntropyLoss takes
 * the class dimension last ([N, C] or [B, T, C] logits), as everything in anneal does.
 */
import { crossEntropy, crossEntropyOptions, lossOptions, mseLoss, mseLossOptions, type CrossEntropyLossOptions, type MseLossOptions } from '../loss/index.js';
import type { Tensor } from '../tensor/index.js';
import { Module } from './module.js';

export class CrossEntropyLoss extends Module {
  readonly options: Readonly<CrossEntropyLossOptions>;

  constructor(options: CrossEntropyLossOptions = {}) {
    super();
    this.options = lossOptions(crossEntropyOptions, options, 'CrossEntropyLoss');
  }

  /** Logits [..., C] (classes last) against int32 class indices [...]. */
  forward(logits: Tensor, target: Tensor): Tensor {
    return crossEntropy(logits, target, this.options);
  }
}

export class MSELoss extends Module {
  readonly options: Readonly<MseLossOptions>;

  constructor(options: MseLossOptions = {}) {
    super();
    this.options = lossOptions(mseLossOptions, options, 'MSELoss');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}
