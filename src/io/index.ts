// src/io/index.ts — tsgrad/io: browser-safe codecs and state-dict bytes. Node file helpers live in ./node.js (entry tsgrad/node).
export { type RawDType, type RawData, type RawTensor, itemSize, numel } from './raw-tensor.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type DecodedSafetensors } from './safetensors.js';
export { encodeNpy, decodeNpy, readNpyHeader, NpyError, type NpyHeader, type EncodeNpyOptions } from './npy.js';
export {
  tensorToRaw, rawToTensor, rawDTypeOf, dtypeForRaw, TensorConversionError,
  floatToHalfBits, halfBitsToFloat, floatToBFloat16Bits, bfloat16BitsToFloat,
} from './tensor-bridge.js';
export {
  serializeStateDict, deserializeStateDict, decodeTensors, encodeCheckpoint, decodeCheckpoint,
  CheckpointError, CHECKPOINT_FORMAT, type StateDict, type Stateful, type Checkpoint, type CheckpointInput,
} from './state-dict.js';
