// Layer normalisation over the last axis, with the biased variance PyTorch uses.

export function layerNorm(
  x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, rows: number, cols: number, eps: number,
  out: Float32Array, mean: Float32Array, rstd: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[base + j]!;
    const mu = s / cols;
    let v = 0;
    for (let j = 0; j < cols; j++) { const d = x[base + j]! - mu; v += d * d; }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) {
      let y = (x[base + j]! - mu) * rs;
      if (weight) y *= weight[j]!;
      if (bias) y += bias[j]!;
      out[base + j] = y;
    }
  }
}

export function layerNormBackward(
  x: Float32Array, weight: Float32Array | null, mean: Float32Array, rstd: Float32Array, gy: Float32Array,
  rows: number, cols: number, gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const mu = mean[r]!, rs = rstd[r]!;
    // with xhat = (x - mu) * rs and g = gy * w:  gx = rs * (g - mean(g) - xhat * mean(g * xhat))
    let sumG = 0, sumGX = 0;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[base + j]! - mu) * rs;
      const g = weight ? gy[base + j]! * weight[j]! : gy[base + j]!;
      sumG += g;
      sumGX += g * xhat;
      if (gw) gw[j]! += gy[base + j]! * xhat;
      if (gb) gb[j]! += gy[base + j]!;
    }
    const meanG = sumG / cols, meanGX = sumGX / cols;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[base + j]! - mu) * rs;
      const g = weight ? gy[base + j]! * weight[j]! : gy[base + j]!;
      gx[base + j] = rs * (g - meanG - xhat * meanGX);
    }
  }
}
