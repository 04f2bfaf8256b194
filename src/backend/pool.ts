/**
 * Size-class pool of tensor buffers, shared by the backends (each supplies how a fresh buffer is made).
 *
 * A buffer handed out is a typed-array view of exactly the requested length over an ArrayBuffer of
 * its size class (at most 1/8 larger: 8 classes per power of two), so a step whose shapes repeat
 * reuses the same memory every time. Buffers come back two ways:
 * - explicitly, by release(): the scopes of tensor/scope.ts (tidy, and autograd's own release of
 *   intermediate gradients) know when nothing can read a buffer again;
 * - never, for buffers nobody releases: they are ordinary garbage, and the backend's own memory (the
 *   native one returns blocks to its allocator in the ArrayBuffer's finalizer) follows the GC.
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
  /** Buffers this pool made: only those may come back. */
  private readonly owned = new WeakSet<ArrayBuffer>();
  /** Buffers in a free list, to make a second release of the same buffer harmless. */
  private readonly idle = new WeakSet<ArrayBuffer>();
  private stats_: PoolStats = { hits: 0, misses: 0, bytesCreated: 0, bytesFree: 0, released: 0 };

  /**
   * @param create makes a fresh buffer of `bytes` (zero-filled or not, see `createsZeroed`)
   * @param maxFreeBytes free buffers beyond this are dropped (left to the GC) instead of kept
   */
  constructor(
    private readonly create: (bytes: number) => ArrayBuffer,
    private readonly createsZeroed: boolean | ((bytes: number) => boolean),
    public maxFreeBytes = 1024 * 2 ** 20,
  ) {}

  /** A buffer of n elements; its contents are unspecified unless `zero`. */
  alloc(dtype: DType, n: number, zero = false): Storage {
    const bytes = sizeClass(n * BYTES[dtype]);
    const list = this.free.get(bytes);
    let buffer = list?.pop();
    let fresh = false;
    if (buffer) {
      this.idle.delete(buffer);
      this.stats_.hits++;
      this.stats_.bytesFree -= bytes;
    } else {
      buffer = this.create(bytes);
      this.owned.add(buffer);
      this.stats_.misses++;
      this.stats_.bytesCreated += bytes;
      fresh = true;
    }
    const out = view(dtype, buffer, n);
    const zeroed = fresh && (typeof this.createsZeroed === 'function' ? this.createsZeroed(bytes) : this.createsZeroed);
    if (zero && !zeroed) out.fill(0);
    return out;
  }

  /** Returns a buffer for reuse. The caller guarantees nothing reads or writes it afterwards. */
  release(storage: Storage): void {
    const buffer = storage.buffer as ArrayBuffer;
    if (!this.owned.has(buffer) || this.idle.has(buffer)) return;
    const bytes = buffer.byteLength;
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

function view(dtype: DType, buffer: ArrayBuffer, n: number): Storage {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, 0, n);
    case 'int32': return new Int32Array(buffer, 0, n);
    case 'bool': return new Uint8Array(buffer, 0, n);
  }
}
