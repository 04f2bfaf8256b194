#!/usr/bin/python3
"""One run, side by side: torch.matmul (PyTorch 1.13) and anneal's native sgemm / gemmBf16 on the
shapes in shapes.txt, at 1 and 2 threads, interleaved shape by shape so both see the same machine.
Prints a table (GFLOP/s) and writes every measurement as JSON lines to --out.

  /usr/bin/python3 native/test/compare.py [--filter S] [--isa avx512,avx2,portable] [--out FILE]
       [--rounds N]   (N rounds, best of each kept: the machine is shared and noisy)
Needs the bench binary: native/test/run.sh bench --filter none  (builds native/test/build/bench).
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch_bench  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def ours(name, isas, threads, dtypes, min_time, stat):
    cmd = [os.path.join(HERE, 'build', 'bench'), '--shapes', os.path.join(HERE, 'shapes.txt'), '--filter', '=' + name,
           '--isa', isas, '--threads', threads, '--dtype', dtypes, '--min-time', str(min_time), '--stat', stat]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if '"gflops"' in line]


def peak(threads):
    out = subprocess.run([os.path.join(HERE, 'build', 'bench'), '--peak', threads], check=True, capture_output=True, text=True).stdout
    return ', '.join(f"{json.loads(l)['peak_fp32_gflops']:.0f} at {json.loads(l)['threads']}" for l in out.splitlines())


def theirs(shape, threads, min_time):
    name, batch, m, n, k, layout = shape
    a, b = torch_bench.operands(batch, m, n, k, layout)
    out = torch.empty(([batch] if batch > 1 else []) + [m, n])
    rows = []
    for t in threads:
        torch.set_num_threads(t)
        sec = torch_bench.time_it(lambda: torch.matmul(a, b, out=out), min_time)
        rows.append({'shape': name, 'dtype': 'fp32', 'isa': 'torch', 'threads': t, 'gflops': round(2 * batch * m * n * k / sec / 1e9, 1)})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--filter', default='')
    ap.add_argument('--isa', default='avx512')
    ap.add_argument('--dtype', default='fp32,bf16')
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--min-time', type=float, default=0.2)
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--stat', default='median', help="median, or best (fastest sample) for each measurement")
    ap.add_argument('--out', default='')
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(',')]
    shapes = [s for s in torch_bench.read_shapes(os.path.join(HERE, 'shapes.txt')) if args.filter in s[0]]
    print(f'# FMA peak now (GFLOP/s at threads): {peak(args.threads)}', flush=True)
    best = {}
    order = []
    for _ in range(args.rounds):
        for shape in shapes:
            rows = theirs(shape, threads, args.min_time)
            rows += ours(shape[0], args.isa, args.threads, args.dtype, args.min_time, args.stat)
            for r in rows:
                key = (r['shape'], r['dtype'], r['isa'], r['threads'])
                if key not in best:
                    order.append(key)
                if key not in best or r['gflops'] > best[key]['gflops']:
                    best[key] = r
    if args.out:
        with open(args.out, 'w') as f:
            for key in order:
                f.write(json.dumps(best[key]) + '\n')
    cols = [('torch', 'fp32')] + [(isa, dt) for isa in args.isa.split(',') for dt in args.dtype.split(',')]
    header = f"{'shape':18}{'b':>4}{'m':>6}{'n':>6}{'k':>6} {'lay':3}"
    for isa, dt in cols:
        for t in threads:
            header += f" {(isa if dt == 'fp32' else isa + '-' + dt)[:13] + '/' + str(t):>16}"
    print(header)
    for name, batch, m, n, k, layout in shapes:
        line = f'{name:18}{batch:>4}{m:>6}{n:>6}{k:>6} {layout:3}'
        for isa, dt in cols:
            for t in threads:
                r = best.get((name, dt, isa, t))
                line += f" {r['gflops'] if r else float('nan'):>16.1f}"
        print(line)
    print(f'# GFLOP/s, {args.stat} of each measurement, best of {args.rounds} round(s); torch {torch.__version__}', flush=True)
    print(f'# FMA peak now (GFLOP/s at threads): {peak(args.threads)}', flush=True)


if __name__ == '__main__':
    main()
