// tsgrad: tensors with PyTorch semantics, autograd, and the ops on them. The main entry point.
import './ops/methods.js';

export { Tensor, Storage, type NestedArray, type TensorHook } from './tensor/tensor.js';
export { type DType, DTYPES, promoteTypes, isFloating } from './tensor/dtype.js';
export * from './tensor/errors.js';
export * from './tensor/creation.js';
export { broadcastShapes } from './tensor/shape.js';
export { formatTensor } from './tensor/print.js';
export { emptyCache, pooledBufferBytes } from './tensor/buffer-pool.js';
export { Generator, defaultGenerator, manualSeed, rand, randn, randint, randperm, normal, bernoulli, multinomial } from './random/generator.js';
export { getBackend, setBackend, listBackends, registerBackend, setNumThreads, getNumThreads, threadsReady, ready } from './backend/index.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export { backward, grad, type BackwardOptions } from './autograd/engine.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export { resultType, type TensorLike } from './ops/define.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/shape.js';
export * from './ops/index.js';
export * from './ops/linalg.js';
export * from './ops/activation.js';
export * from './ops/misc.js';
