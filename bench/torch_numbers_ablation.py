#!/usr/bin/env python3
"""The PyTorch numbers-to-words reference with anneal's data split and/or embedding init, to explain
the difference in steps-to-99% between ../shared/bench/torch_numbers.py and `anneal train`.

  /usr/bin/python3 bench/torch_numbers_ablation.py --split anneal --emb-init anneal --json

It imports the model, batching, sampling and greedy evaluation from ../shared/bench/torch_numbers.py
and runs the same loop (AdamW 1e-3, betas 0.9/0.98, warmup 200 + cosine over 4000, label smoothing
0.1, clipping 1.0, batch 64, evaluation every 250 steps, stop at 99% on 1,000 held-out numbers).
  --split reference  the reference's test set: 1,000 distinct numbers, length-uniform
  --split anneal     the same, but at most half of the numbers of any length are held out
  --emb-init pytorch nn.Embedding's default N(0, 1) (then scaled by sqrt(d) in the model)
  --emb-init anneal  N(0, d^-0.5), as anneal's TransformerSeq2Seq initialises embeddings
"""
import argparse, json, math, os, random, sys, time
sys.path.insert(0, os.environ.get('ANNEAL_SHARED_BENCH') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'bench'))
import torch
import torch.nn.functional as F
from torch_numbers import Model, batch, exact_match, sample


def held_out(rng, split):
    held, per_len = set(), {}
    while len(held) < 1000:
        n = sample(rng)
        if n in held:
            continue
        if split == 'anneal':
            k = len(n)
            pool = 10 if k == 1 else 9 * 10 ** (k - 1)
            if per_len.get(k, 0) >= pool // 2:
                continue
            per_len[k] = per_len.get(k, 0) + 1
        held.add(n)
    return held


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--split', choices=['reference', 'anneal'], default='anneal')
    ap.add_argument('--emb-init', choices=['pytorch', 'anneal'], default='anneal')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--max-steps', type=int, default=4000)
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    held = held_out(rng, a.split)
    test = sorted(held)
    model = Model(p=0.0)
    if a.emb_init == 'anneal':
        with torch.no_grad():
            for e in (model.src_emb, model.tgt_emb):
                e.weight.normal_(0, e.weight.shape[1] ** -0.5)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and 'norm' not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and 'norm' not in n)]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=1e-3, betas=(0.9, 0.98), eps=1e-9)
    W, T = 200, a.max_steps
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / W if s < W else 0.5 * (1 + math.cos(math.pi * min(1.0, (s - W) / (T - W)))))
    t0 = time.perf_counter()
    acc, step = 0.0, 0
    for step in range(1, T + 1):
        nums = []
        while len(nums) < 64:
            n = sample(rng)
            if n not in held:
                nums.append(n)
        src, tgt = batch(nums)
        logits = model.decode(model.encode(src), src, tgt[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, 13), tgt[:, 1:].reshape(-1), ignore_index=0, label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 250 == 0:
            acc = exact_match(model, test)
            if acc >= 0.99:
                break
    r = {'engine': 'pytorch', 'version': torch.__version__, 'threads': a.threads, 'split': a.split, 'emb_init': a.emb_init,
         'exact_match': acc, 'steps': step, 'seconds': time.perf_counter() - t0}
    print(json.dumps(r) if a.json else '\n'.join(f'{k}: {v}' for k, v in r.items()))


if __name__ == '__main__':
    main()
