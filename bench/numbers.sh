#!/usr/bin/env bash
# Time to 99% exact match on numbers-to-words: PyTorch's reference (and its ablations) beside anneal,
# one after another on this machine, so the figures can be compared. Prints one JSON object per run.
#   npm run build && bash bench/numbers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3
$py ../shared/bench/torch_numbers.py --threads 1 --json 2>/dev/null
$py bench/torch_numbers_ablation.py --split anneal --emb-init pytorch --json 2>/dev/null
$py bench/torch_numbers_ablation.py --split anneal --emb-init anneal --json 2>/dev/null
for config in examples/numbers.json examples/reference-recipe.json; do
  node dist/cli/main.js train "$config" --json --quiet | tail -n 1 | node -e "
    let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
      const r = JSON.parse(s);
      console.log(JSON.stringify({ engine: 'anneal', backend: 'js', config: '$config', exact_match: r.test.metrics.exactMatch, steps: r.steps, seconds: r.elapsedSeconds, train_seconds: r.trainSeconds }));
    });"
done
