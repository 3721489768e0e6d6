// tsgrad/nn: Module and Parameter, containers, layers, the functional API (`F`) and init.
import '../ops/methods.js';

export { Module, Parameter, Buffer, StateDictError, expectTensor, type ForwardHook, type ForwardPreHook } from './module.js';
export * from './containers.js';
export * from './linear.js';
export * from './conv.js';
export * from './pooling.js';
export * from './dropout.js';
export * from './normalization.js';
export * from './batchnorm.js';
export * from './embedding.js';
export * from './activation.js';
export * from './rnn.js';
export * from './loss.js';
export * as functional from './functional.js';
export * as F from './functional.js';
export * as init from './init.js';
