// Softmax and log-softmax over the middle axis of [outer, n, inner], max-subtracted for stability.

export function softmax(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let mx = -Infinity;
      for (let j = 0; j < n; j++) { const v = x[base + j * inner]!; if (v > mx) mx = v; }
      if (mx === -Infinity) mx = 0; // a fully masked row gives NaN below, as in PyTorch
      let s = 0;
      for (let j = 0; j < n; j++) { const e = Math.exp(x[base + j * inner]! - mx); out[base + j * inner] = e; s += e; }
      const inv = 1 / s;
      for (let j = 0; j < n; j++) out[base + j * inner] = out[base + j * inner]! * inv;
    }
  }
}

export function softmaxBackward(y: Float32Array, gy: Float32Array, outer: number, n: number, inner: number, gx: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let dot = 0;
      for (let j = 0; j < n; j++) dot += y[base + j * inner]! * gy[base + j * inner]!;
      for (let j = 0; j < n; j++) { const at = base + j * inner; gx[at] = y[at]! * (gy[at]! - dot); }
    }
  }
}

export function logSoftmax(x: Float32Array, outer: number, n: number, inner: number, out: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let mx = -Infinity;
      for (let j = 0; j < n; j++) { const v = x[base + j * inner]!; if (v > mx) mx = v; }
      if (mx === -Infinity) mx = 0;
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(x[base + j * inner]! - mx);
      const lse = mx + Math.log(s);
      for (let j = 0; j < n; j++) out[base + j * inner] = x[base + j * inner]! - lse;
    }
  }
}

export function logSoftmaxBackward(y: Float32Array, gy: Float32Array, outer: number, n: number, inner: number, gx: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let j = 0; j < n; j++) s += gy[base + j * inner]!;
      for (let j = 0; j < n; j++) { const at = base + j * inner; gx[at] = gy[at]! - Math.exp(y[at]!) * s; }
    }
  }
}
