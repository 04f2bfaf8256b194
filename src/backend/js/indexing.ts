import type { Storage } from '../backend.js';

export function indexSelect(src: Storage, outer: number, n: number, inner: number, index: Int32Array, out: Storage): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + index[j]!) * inner;
      const to = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = src[from + i]!;
    }
  }
}

export function indexAdd(gy: Float32Array, outer: number, n: number, inner: number, index: Int32Array, gx: Float32Array): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * n + index[j]!) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) gx[to + i]! += gy[from + i]!;
    }
  }
}

export function gather(src: Storage, outer: number, n: number, inner: number, index: Int32Array, m: number, out: Storage): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[at + i] = src[(o * n + index[at + i]!) * inner + i]!;
    }
  }
}

export function scatterAdd(gy: Float32Array, outer: number, n: number, inner: number, index: Int32Array, m: number, gx: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) gx[(o * n + index[at + i]!) * inner + i]! += gy[at + i]!;
    }
  }
}
