#!/usr/bin/env bash
# Runs one fuzz target under cargo-fuzz (libFuzzer) for SECONDS seconds.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#
# Committed seeds are read from fuzz/seeds/TARGET (never written); new inputs libFuzzer finds
# go to the ignored working corpus fuzz/corpus/TARGET, crashes to fuzz/artifacts/TARGET.
# Uses the nightly toolchain if rustup has one, else stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz
# passes -Z flags). Needs `cargo install cargo-fuzz`.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
    exit 2
fi
target=$1 seconds=$2
shift 2
cd "$(dirname "$0")"
if [ ! -f "fuzz_targets/$target.rs" ]; then
    echo "no such target: $target (see fuzz/fuzz_targets/)" >&2
    exit 2
fi
mkdir -p "corpus/$target" "seeds/$target"
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo=(cargo +nightly)
else
    cargo=(cargo)
    export RUSTC_BOOTSTRAP=1
fi
exec "${cargo[@]}" fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 "$@"
