#!/bin/bash
# The GPU recipe (models/MODEL_CARD.md), run on a lent GPU machine from the repository root
# with the pack (pack.py: models/training/pack/sice and pack/rest) carried there. Builds the
# training cache from the pack on every core, then trains the given configs side by side on the
# one GPU, each with its own DataLoader workers and an LR schedule over MINUTES of wall time.
# Logs and a tar of models/ (checkpoints, metrics, curves) go to $OUT.
#
#   bash models/training/gpu_train.sh MINUTES CONFIG...
#   DEVICE=cpu EVENLIGHT_DATA=... bash models/training/gpu_train.sh 0.2 CONFIG   (a dry run here)
set -uo pipefail
minutes=$1
shift
export EVENLIGHT_DATA=${EVENLIGHT_DATA:-/tmp/evdata} EVENLIGHT_CACHE=${EVENLIGHT_CACHE:-/tmp/evcache} PYTHONUNBUFFERED=1
out=${OUT:-/tmp/gpu-out}
run=${RUN_DIR:-/tmp/gpu-run}
py=${PYTHON:-python3}
mkdir -p "$EVENLIGHT_DATA" "$out" "$run"
for part in models/training/pack/*/; do
  [ -d "$part" ] && cp -r "$part". "$EVENLIGHT_DATA"/
done
nvidia-smi -L 2>/dev/null
t0=$(date +%s)
"$py" models/training/dataset.py --workers "$(nproc)" || exit 1
echo "cache built in $(( $(date +%s) - t0 )) s"
pids=()
for c in "$@"; do
  "$py" models/training/train.py --config "$c" --device "${DEVICE:-cuda}" --workers "${WORKERS:-2}" --threads 1 \
    --minutes "$minutes" --lr-by-time --out-dir "$run" >"$out/$(basename "$c" .json).log" 2>&1 &
  pids+=($!)
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
tar -C "$run" -cf "$out/results.tar" models
echo "trained in $(( $(date +%s) - t0 )) s, failures: $fail"
exit $fail
