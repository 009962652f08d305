#!/usr/bin/env bash
# Peak memory and wall time of `axle convert` on a generated .npy of 1 GiB, next to `cp` of the
# same file, in one run. The conversion maps its input and streams its output (tools/axle/convert.cpp):
# its peak resident memory should stay near the input pages it has touched and not yet released,
# plus one piece of the output, never the input and the output whole.
#
#   bench/stream/measure.sh                       # build/release/tools/axle/axle (built if missing)
#   AXLE=path/to/axle BASELINE=path/to/other/axle bench/stream/measure.sh
#
#   AXLE      the tool measured
#   BASELINE  optional: another build of the tool, measured on the same files in the same run
#   DIR       where the files go (default: a new temporary directory; needs 3 x 1 GiB free)
#   SHAPE     the weight's shape (default 4096,4096,4,4: 2^28 float32, 1 GiB)
#   RUNS      runs of each command (default 3); the table shows the median
#
# Peak memory is the maximum resident set size reported by GNU time (`/usr/bin/time -f %M`), in
# MiB and as a ratio to the file's size; times are wall clock, with a warm page cache (the file
# was just written). A benchmark, not a test: figures vary with the machine and its load.
set -euo pipefail
cd "$(dirname "$0")/../.."
AXLE=${AXLE:-build/release/tools/axle/axle}
SHAPE=${SHAPE:-4096,4096,4,4}
RUNS=${RUNS:-3}
if [[ ! -x "$AXLE" ]]; then
  cmake --preset release >/dev/null
  cmake --build build/release --target axle_cli
fi
DIR=${DIR:-$(mktemp -d /tmp/axle-stream-bench.XXXXXX)}
trap 'rm -f "$DIR"/*.npy "$DIR"/*.time; rmdir "$DIR" 2>/dev/null || true' EXIT
input="$DIR/w.npy"

/usr/bin/python3 - "$input" "$SHAPE" <<'PY'
import sys
import numpy as np
path, shape = sys.argv[1], tuple(int(x) for x in sys.argv[2].split(","))
a = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
flat = a.reshape(-1)
rng = np.random.default_rng(1)
step = 1 << 24
for i in range(0, flat.size, step):
    flat[i:i + step] = rng.standard_normal(min(step, flat.size - i), dtype=np.float32)
a.flush()
PY
bytes=$(stat -c %s "$input")

# run <label> <command...>: median peak RSS (KiB) and wall seconds of RUNS runs
run() {
  local label=$1
  shift
  local rss=() wall=()
  for ((r = 0; r < RUNS; ++r)); do
    rm -f "$DIR/out.npy"
    /usr/bin/time -f "%M %e" -o "$DIR/run.time" "$@" >/dev/null
    read -r m e <"$DIR/run.time"
    rss+=("$m")
    wall+=("$e")
  done
  local m e
  m=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
  e=$(printf '%s\n' "${wall[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
  awk -v l="$label" -v m="$m" -v e="$e" -v b="$bytes" \
    'BEGIN { printf "| %s | %.0f | %.3f | %.2f |\n", l, m / 1024, m * 1024 / b, e }'
}

echo "file: $SHAPE float32, $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 2^30 }') GiB); median of $RUNS runs"
echo "tool: $AXLE${BASELINE:+, baseline: $BASELINE}"
echo
echo "| command | peak RSS (MiB) | ÷ file size | wall (s) |"
echo "|---|---:|---:|---:|"
run "cp" cp "$input" "$DIR/out.npy"
for tool in "$AXLE" ${BASELINE:+"$BASELINE"}; do
  name=$([[ "$tool" == "$AXLE" ]] && echo "axle convert" || echo "baseline")
  run "$name: torch.conv2d → keras.conv2d (permutation)" "$tool" convert torch.conv2d keras.conv2d "$input" "$DIR/out.npy" --force
  run "$name: keras.conv2d_transpose → jax.conv_transpose (flip, swap)" \
    "$tool" convert keras.conv2d_transpose jax.conv_transpose "$input" "$DIR/out.npy" --force
  run "$name: torch.conv_transpose2d → equinox.conv_transpose2d, G = 8 (grouped)" \
    "$tool" convert torch.conv_transpose2d equinox.conv_transpose2d "$input" "$DIR/out.npy" --groups 8 --force
done
