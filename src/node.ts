// src/node.ts — tsgrad/node: the Node-only pieces (file I/O and the embedded-dataset loaders), kept out of browser bundles.
export {
  saveSafetensors, saveSafetensorsSync, loadSafetensors, loadSafetensorsSync, save, saveSync, load, loadSync,
  saveCheckpoint, saveCheckpointSync, loadCheckpoint, loadCheckpointSync, readNpy, writeNpy,
} from './io/node.js';
export { writeFileAtomic, writeFileAtomicSync, readFileBytes, type AtomicWriteData } from './io/node-fs.js';
export { loadDigits, loadIris, loadWine, loadTinyShakespeare, readCsv, embeddedDataPath } from './data/node.js';
