// Fused log-softmax + label-smoothed negative log-likelihood, with q_c = base + [c == y] * extra.

export function crossEntropy(
  logits: Float32Array, targets: Int32Array, rows: number, classes: number, ignoreIndex: number,
  base: number, extra: number, losses: Float32Array, logSumExp: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const y = targets[r]!;
    const off = r * classes;
    let mx = -Infinity;
    for (let c = 0; c < classes; c++) { const v = logits[off + c]!; if (v > mx) mx = v; }
    let s = 0;
    let sumZ = 0;
    for (let c = 0; c < classes; c++) { const v = logits[off + c]!; s += Math.exp(v - mx); sumZ += v; }
    const lse = mx + Math.log(s);
    logSumExp[r] = lse;
    if (y === ignoreIndex) { losses[r] = 0; continue; }
    // -sum_c q_c (z_c - lse) = -(base * (sum z - C lse) + extra * (z_y - lse))
    let loss = -extra * (logits[off + y]! - lse);
    if (base !== 0) loss -= base * (sumZ - classes * lse);
    losses[r] = loss;
  }
}

export function crossEntropyBackward(
  logits: Float32Array, targets: Int32Array, logSumExp: Float32Array, rowGrad: Float32Array, rows: number, classes: number,
  ignoreIndex: number, base: number, extra: number, gx: Float32Array,
): void {
  const e = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const y = targets[r]!;
    const off = r * classes;
    if (y === ignoreIndex) { gx.fill(0, off, off + classes); continue; }
    const g = rowGrad[r]!;
    const lse = logSumExp[r]!;
    // lse was rounded to float32 when saved, an error of |lse| * 6e-8 in every probability; dividing
    // by the row's sum cancels that common factor, and the target's p - q is formed in double
    let s = 0;
    for (let c = 0; c < classes; c++) { const v = Math.exp(logits[off + c]! - lse); e[c] = v; s += v; }
    const scale = g / s;
    for (let c = 0; c < classes; c++) gx[off + c] = scale * e[c]! - g * base;
    gx[off + y] = scale * e[y]! - g * (base + extra);
  }
}
