#!/usr/bin/env bash
# make fuzz: runs every cargo-fuzz target for a bounded time and prints,
# per target, the executions run, the coverage reached and whether it
# crashed. Exits non-zero when any target crashed (its input is kept in
# fuzz/artifacts/TARGET/ and named in the output).
#
# An input that runs longer than 25 s counts as a crash (a hang).
#
# Environment: FUZZ_SECONDS (default 60) per target; FUZZ_TARGETS (default:
# all, from `cargo fuzz list`). Needs a nightly toolchain and cargo-fuzz:
# both are installed when missing (rustup, cargo install).
set -u
cd "$(dirname "$0")"
SECS=${FUZZ_SECONDS:-60}

if ! cargo +nightly --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal >/dev/null || exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked >/dev/null 2>&1 || {
        echo "fuzz: could not install cargo-fuzz" >&2
        exit 2
    }
fi

targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}
mkdir -p target
failed=0
printf '%-22s %14s %10s %s\n' target executions coverage result
for t in $targets; do
    mkdir -p "corpus/$t"
    log=target/fuzz-$t.log
    seeds=()
    [ -d "seeds/$t" ] && seeds=("seeds/$t")
    cargo +nightly fuzz run "$t" "corpus/$t" "${seeds[@]}" -- \
        -max_total_time="$SECS" -timeout=25 -print_final_stats=1 >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | awk '{print $2}')
    if [ $rc = 0 ]; then
        result=ok
    else
        failed=$((failed + 1))
        crash=$(grep -o 'artifacts/[^ ]*' "$log" | tail -n 1)
        result="CRASH (exit $rc) ${crash:-see fuzz/$log}"
    fi
    printf '%-22s %14s %10s %s\n' "$t" "${execs:--}" "${cov:--}" "$result"
done
[ $failed = 0 ]
