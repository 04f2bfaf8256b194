/** torch.nn.functional's names for the stateless ops. */
export {
  linear, relu, gelu, sigmoid, tanh, softmax, logSoftmax, dropout, layerNorm, embedding, crossEntropy,
} from '../tensor/index.js';
export { mseLoss } from '../loss/mse.js';
export { scaledDotProductAttention } from './attention.js';
