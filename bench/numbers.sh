#!/usr/bin/env bash
# Time to 99% exact match on numbers-to-words: PyTorch's reference (and its ablations) beside anneal,
# one after another on this machine, so the figures can be compared. Prints one JSON object per run.
#   npm run build && bash bench/numbers.sh
# The PyTorch reference lives in ../shared/bench (beside the repository) or in $ANNEAL_SHARED_BENCH.
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3
shared=${ANNEAL_SHARED_BENCH:-../shared/bench}
fail() { echo "bench/numbers.sh: $*" >&2; exit 2; }
[ -f "$shared/torch_numbers.py" ] || fail "the PyTorch reference $shared/torch_numbers.py is missing (set ANNEAL_SHARED_BENCH to the folder holding torch_numbers.py)"
[ -x "$py" ] || fail "$py is missing (apt-get install -y python3-torch libopenblas0-pthread)"
"$py" -c 'import torch' 2>/dev/null || fail "PyTorch is not installed for $py (apt-get install -y python3-torch libopenblas0-pthread)"
[ -f dist/cli/main.js ] || fail "dist/cli/main.js is missing: run npm run build first"
"$py" "$shared/torch_numbers.py" --threads 1 --json
"$py" bench/torch_numbers_ablation.py --split anneal --emb-init pytorch --json
"$py" bench/torch_numbers_ablation.py --split anneal --emb-init anneal --json
for config in examples/numbers.json examples/reference-recipe.json; do
  node dist/cli/main.js train "$config" --json --quiet | tail -n 1 | node -e "
    let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
      const r = JSON.parse(s);
      console.log(JSON.stringify({ engine: 'anneal', backend: process.env.ANNEAL_BACKEND ?? 'default', config: '$config', exact_match: r.test.metrics.exactMatch, steps: r.steps, seconds: r.elapsedSeconds, train_seconds: r.trainSeconds }));
    });"
done
