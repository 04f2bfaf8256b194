export { writeFileAtomic } from './atomic.js';
export { serializeSafetensors, deserializeSafetensors, saveSafetensors, loadSafetensors, SafetensorsError, MAX_HEADER_SIZE, type NamedTensors } from './safetensors.js';
export { writeNewDirAtomic, replaceDirAtomic, removeStaleTemporaries, type DirWriteStep, type DirWriteOptions } from './atomicDir.js';
