#!/usr/bin/python3
"""GFLOP/s of torch.matmul (PyTorch 1.13, OpenBLAS) on the shapes in shapes.txt, at each thread
count, as JSON lines shaped like the native bench's, so the two can be compared in one run (compare.py).

Layouts as in shapes.txt: NN a @ b; NT a @ w.t() with w [n, k] contiguous (x W^T); TN x.t() @ g
with x [k, m] contiguous (g^T x). Batched shapes use torch.matmul on [batch, m, k] tensors.
A dev tool, not a test: /usr/bin/python3 native/test/torch_bench.py [--threads 1,2] [--filter S]
"""
import argparse
import json
import os
import statistics
import time

import torch


def read_shapes(path):
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, batch, m, n, k, layout = line.split()
        yield name, int(batch), int(m), int(n), int(k), layout


def operands(batch, m, n, k, layout):
    g = torch.Generator().manual_seed(1)
    lead = [batch] if batch > 1 else []
    a = torch.rand(lead + ([k, m] if layout[0] == 'T' else [m, k]), generator=g) * 2 - 1
    b = torch.rand(lead + ([n, k] if layout[1] == 'T' else [k, n]), generator=g) * 2 - 1
    a = a.transpose(-1, -2) if layout[0] == 'T' else a
    b = b.transpose(-1, -2) if layout[1] == 'T' else b
    return a, b


def time_it(f, min_time):
    f()
    t0 = time.perf_counter()
    f()
    one = max(time.perf_counter() - t0, 1e-7)
    reps = max(1, int(min_time / 7 / one))
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(reps):
            f()
        samples.append((time.perf_counter() - t0) / reps)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shapes', default=os.path.join(os.path.dirname(__file__), 'shapes.txt'))
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--filter', default='')
    ap.add_argument('--min-time', type=float, default=0.3)
    args = ap.parse_args()
    for name, batch, m, n, k, layout in read_shapes(args.shapes):
        if args.filter not in name:
            continue
        a, b = operands(batch, m, n, k, layout)
        out = torch.empty(([batch] if batch > 1 else []) + [m, n])
        for t in [int(x) for x in args.threads.split(',')]:
            torch.set_num_threads(t)
            sec = time_it(lambda: torch.matmul(a, b, out=out), args.min_time)
            print(json.dumps({'shape': name, 'batch': batch, 'm': m, 'n': n, 'k': k, 'layout': layout, 'dtype': 'fp32',
                              'isa': 'torch', 'kernel': 'pytorch-' + torch.__version__, 'threads': t,
                              'median_s': sec, 'gflops': round(2 * batch * m * n * k / sec / 1e9, 1)}), flush=True)


if __name__ == '__main__':
    main()
