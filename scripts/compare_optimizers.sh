#!/bin/sh
# Draws docs/compare-optimizers.svg and .png and writes docs/compare-optimizers.json, the README's
# optimizer comparison (SGD with momentum, Adam, AdamW, Adafactor from one seed), from the built CLI:
#   npm run build && sh scripts/compare_optimizers.sh
set -e
cd "$(dirname "$0")/.."
node dist/cli/main.js compare-optimizers --steps 300 --batch-size 32 --seed 0 --smooth 10 \
  --svg docs/compare-optimizers.svg --png docs/compare-optimizers.png --json docs/compare-optimizers.json
