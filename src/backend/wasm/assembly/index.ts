// Entry point of the wasm kernel module: every export the TypeScript loader (../kernels.ts) calls.
export { sgemm, sgemmPacked, packPanels, sgemmBatch, kernelBench, workspaceFloats, setTileShape, getTileShape } from './gemm';
export { binary, binaryScalar, binaryBcast, unary, reduceRows, reduceMid, softmaxRows, softmaxBackwardRows, sgdStep, adamStep, layerNormRows, layerNormBackwardRows, gatherStrided4, scatterStrided4 } from './elementwise';
export { im2col, col2im, conv2dForward, conv2dBackward, maxPool2d, maxPool2dBackward } from './conv';

/** First byte of memory not used by the module itself; the loader lays out its regions from here. */
export function heapBase(): usize { return __heap_base; }

/** 1 when compiled with relaxed SIMD (FMA micro-kernel), else 0. */
export function isRelaxed(): i32 { return ASC_FEATURE_RELAXED_SIMD ? 1 : 0; }
