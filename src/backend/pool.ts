/**
 * Size-class pool of tensor buffers, shared by the backends (each supplies how a fresh buffer is made).
 *
 * A buffer handed out is a typed-array view of exactly the requested length over an ArrayBuffer of
 * its size class (at most 1/8 larger: 8 classes per power of two), so a step whose shapes repeat
 * reuses the same memory every time. Buffers come back two ways:
 * - explicitly, by release(): the scopes of tensor/scope.ts (tidy, and autograd's own release of
 *   intermediate gradients) know when nothing can read a buffer again;
 * - never, for buffers nobody releases: they are ordinary garbage that the GC frees.
 * Buffers are engine-allocated ArrayBuffers on every backend. (The native backend's kernels would
 * also take external ArrayBuffers over their own aligned blocks, but Node runs the finalizers of
 * those only when the event loop turns: a synchronous training loop would never get one back.)
 * A backend may ask for padding and an aligned start (`offsetOf`), as the native one does.
 * Released memory is never freed while any JS object can see it: a stale typed array reads reused
 * data, never freed memory. Tensors guard against that themselves (a released tensor throws).
 */
import type { DType, Storage } from './backend.js';

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** The smallest size class holding `bytes`: a multiple of 64 B, then 8 steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 512) return Math.max(64, Math.ceil(bytes / 64) * 64);
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 3);
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Buffers handed out from the free lists. */
  hits: number;
  /** Buffers that had to be created. */
  misses: number;
  /** Bytes of the created buffers (size classes). */
  bytesCreated: number;
  /** Bytes waiting in the free lists. */
  bytesFree: number;
  /** Buffers returned by release(). */
  released: number;
}

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Buffers this pool made (only those may come back): their size class and the offset views start at. */
  private readonly owned = new WeakMap<ArrayBuffer, { bytes: number; offset: number }>();
  /** Buffers in a free list, to make a second release of the same buffer harmless. */
  private readonly idle = new WeakSet<ArrayBuffer>();
  private stats_: PoolStats = { hits: 0, misses: 0, bytesCreated: 0, bytesFree: 0, released: 0 };

  /**
   * @param create makes a fresh buffer of `bytes` (zero-filled or not, see `createsZeroed`)
   * @param maxFreeBytes free buffers beyond this are dropped (left to the GC) instead of kept
   */
  /**
   * @param create makes a fresh buffer holding `bytes` from its offsetOf (zero-filled or not, see `createsZeroed`)
   * @param maxFreeBytes free buffers beyond this are dropped (left to the GC) instead of kept
   * @param offsetOf where views of a fresh buffer start (an aligned address), 0 by default
   */
  constructor(
    private readonly create: (bytes: number) => ArrayBuffer,
    private readonly createsZeroed: boolean,
    public maxFreeBytes = 1024 * 2 ** 20,
    private readonly offsetOf: (buffer: ArrayBuffer) => number = () => 0,
  ) {}

  /** A buffer of n elements; its contents are unspecified unless `zero`. */
  alloc(dtype: DType, n: number, zero = false): Storage {
    const bytes = sizeClass(n * BYTES[dtype]);
    const list = this.free.get(bytes);
    let buffer = list?.pop();
    let fresh = false;
    let offset: number;
    if (buffer) {
      this.idle.delete(buffer);
      this.stats_.hits++;
      this.stats_.bytesFree -= bytes;
      offset = this.owned.get(buffer)!.offset;
    } else {
      buffer = this.create(bytes);
      offset = this.offsetOf(buffer);
      this.owned.set(buffer, { bytes, offset });
      this.stats_.misses++;
      this.stats_.bytesCreated += bytes;
      fresh = true;
    }
    const out = view(dtype, buffer, offset, n);
    if (zero && !(fresh && this.createsZeroed)) out.fill(0);
    return out;
  }

  /** Returns a buffer for reuse. The caller guarantees nothing reads or writes it afterwards. */
  release(storage: Storage): void {
    const buffer = storage.buffer as ArrayBuffer;
    const info = this.owned.get(buffer);
    if (!info || this.idle.has(buffer)) return;
    const bytes = info.bytes;
    if (this.stats_.bytesFree + bytes > this.maxFreeBytes) return;
    let list = this.free.get(bytes);
    if (!list) this.free.set(bytes, (list = []));
    list.push(buffer);
    this.idle.add(buffer);
    this.stats_.bytesFree += bytes;
    this.stats_.released++;
  }

  /** Whether this pool made the buffer (so release() would take it). */
  owns(storage: Storage): boolean {
    return this.owned.has(storage.buffer as ArrayBuffer);
  }

  /** Drops every free buffer (the GC reclaims them). */
  trim(): void {
    this.free.clear();
    this.stats_.bytesFree = 0;
  }

  stats(): PoolStats {
    return { ...this.stats_ };
  }
}

function view(dtype: DType, buffer: ArrayBuffer, offset: number, n: number): Storage {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, offset, n);
    case 'int32': return new Int32Array(buffer, offset, n);
    case 'bool': return new Uint8Array(buffer, offset, n);
  }
}
