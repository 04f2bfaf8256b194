export { writeFileAtomic } from './atomic.js';
export { serializeSafetensors, deserializeSafetensors, saveSafetensors, loadSafetensors, SafetensorsError } from './safetensors.js';
