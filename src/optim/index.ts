export {
  Optimizer, OptimizerError, checkOptimizerOptions, commonAliases, type OptimizerSpec,
  type BaseOptions, type LrOption, type ParamGroup, type ParamGroupInput, type ParamsInput, type ParamState, type StateValue, type OptimizerStateDict,
} from './optimizer.js';
export { Adam, AdamW, adamUpdate, adamOptions, type AdamOptions, type AdamUpdateArgs } from './adam.js';
export { paramGroupsWithDecay, splitDecayNames, defaultNoDecay, type DecayGroupOptions, type NoDecayRule, type HasNamedParameters } from './paramGroups.js';
export { SGD, sgdUpdate, sgdOptions, type SGDOptions, type SGDUpdateArgs } from './sgd.js';
export { Adafactor, adafactorUpdate, adafactorLr, adafactorOptions, type AdafactorOptions, type AdafactorUpdateArgs } from './adafactor.js';
