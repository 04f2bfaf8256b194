/** The float32 arithmetic of PyTorch's CPU kernels (defined beside the backend's optimizer kernels). */
export { f32, fma32 } from '../backend/js/float32.js';
