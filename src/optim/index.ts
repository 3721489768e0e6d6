// tsgrad/optim: optimizers, learning-rate schedulers, gradient clipping and loss scaling.
export { Optimizer, OptimizerError, type BaseOptions, type ParamGroup, type ParamGroupInput, type ParamState, type OptimizerStateDict, type StateValue } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { Yogi, type YogiOptions } from './yogi.js';
export * from './lr-scheduler.js';
export { clipGradNorm_, clipGradValue_, NonFiniteNormError } from './clip.js';
export { GradScaler, GradScalerError, type GradScalerOptions } from './grad-scaler.js';
