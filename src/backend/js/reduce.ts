// Reductions over the middle axis of a contiguous [outer, n, inner] array. Sums accumulate in
// double precision (JS numbers), so they are at least as accurate as PyTorch's float32 pairwise sums.

export function sum(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * n;
      for (let j = 0; j < n; j++) s += x[base + j]!;
      out[o] = s;
    }
    return;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const base = (o * n + j) * inner;
      for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
    }
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = acc[i]!;
  }
}

export function max(x: Float32Array, outer: number, n: number, inner: number, values: Float32Array, indices: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = -Infinity;
      let arg = 0;
      for (let j = 0; j < n; j++) {
        const v = x[base + j * inner]!;
        // NaN wins, like PyTorch's max
        if (v > best || v !== v) { best = v; arg = j; if (v !== v) break; }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = arg;
    }
  }
}
