// src/io/index.ts — tsgrad/io: browser-safe file codecs. Node file helpers live in ./node-fs.js (entry tsgrad/node).
export { type RawDType, type RawData, type RawTensor, itemSize, numel } from './raw-tensor.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type DecodedSafetensors } from './safetensors.js';
export { encodeNpy, decodeNpy, readNpyHeader, NpyError, type NpyHeader, type EncodeNpyOptions } from './npy.js';
