#!/usr/bin/env bash
# Runs every test of zmqrs and prints one total last:
#   1. Rust unit tests and the header freshness test (cargo test)
#   2. C API tests against the shared and static library, and ABI checks
#   3. interop: the same peer program on our library and on the system's
#      libzmq (Debian libzmq5), both ways, over tcp and ipc; the draft
#      socket types (and udp) against a draft-enabled libzmq built from
#      Debian's source package (capi-tests/interop/draft-libzmq.sh, cached
#      in ~/.cache/zmqrs; ZMQRS_SKIP_DRAFT_INTEROP=1 leaves them out)
#   4. WebSocket clients zmqrs did not write against its ws:// endpoints:
#      Python's `websockets` (PyPI, into a cached venv) and a page in
#      headless chromium (capi-tests/websocket/run.sh)
#   5. the examples (examples/run.sh), built against the install with
#      pkg-config: the tour, and reqrep, pubsub, pipeline over tcp/ipc/inproc
#   6. consumer checks: pkg-config, CMake, binary swap (needs an install)
# Usage: ./run-tests.sh    (what `make test` and CI run)
set -u
cd "$(dirname "$0")"
PREFIX=${PREFIX:-$PWD/_install}
passed=0
failed=0
stages_failed=()

# Adds a stage's counts to the totals: the sum of cargo's "test result:"
# lines, or else the stage's last "N passed, N failed" line.
count() { # stage-name log rc
    local name=$1 log=$2 rc=$3 lines p f
    lines=$(grep -E '^test result: ' "$log" | grep -Eo '[0-9]+ passed; [0-9]+ failed')
    [ -n "$lines" ] || lines=$(grep -Eo '[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    p=$(echo "$lines" | awk '{ s += $1 } END { print s + 0 }')
    f=$(echo "$lines" | awk '{ s += $3 } END { print s + 0 }')
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ]; then
        stages_failed+=("$name")
        [ "$f" -gt 0 ] || failed=$((failed + 1))
    fi
}

stage() { # name command...
    local name=$1 log rc
    shift
    log=$(mktemp)
    echo "=== $name"
    "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    count "$name" "$log" "$rc"
    rm -f "$log"
}

stage "rust unit tests" cargo test --release
stage "build" make build
stage "c api tests" capi-tests/run.sh
# The draft interop peer: built once (about a minute), then cached. Not a
# stage: what it exports must reach the interop stage.
if [ -z "${INTEROP_DRAFT_LIBDIR:-}" ] && [ "${ZMQRS_SKIP_DRAFT_INTEROP:-0}" != 1 ]; then
    echo "=== draft libzmq for interop"
    if dir=$(capi-tests/interop/draft-libzmq.sh); then
        export INTEROP_DRAFT_LIBDIR=$dir
        echo "$dir"
    else
        echo "could not build it (ZMQRS_SKIP_DRAFT_INTEROP=1 to go without)"
        stages_failed+=("draft libzmq for interop")
        failed=$((failed + 1))
    fi
fi
stage "interop with libzmq" capi-tests/interop/run.sh "$PWD/target/release"
stage "websocket clients" capi-tests/websocket/run.sh "$PWD/target/release"
stage "install" make install PREFIX="$PREFIX"
stage "examples" examples/run.sh "$PREFIX"
stage "consumers" capi-tests/consumers/run.sh "$PREFIX"

echo
[ ${#stages_failed[@]} -eq 0 ] || echo "failed stages: ${stages_failed[*]}"
echo "total: $passed passed, $failed failed"
[ ${#stages_failed[@]} -eq 0 ]
