#!/usr/bin/env bash
# Builds every capi-tests/test_*.c against include/zmq.h and runs it twice:
# linked to the drop-in shared library (target/release/libzmq.so.5) and to
# the static one (libzmq.a). Then the ABI checks (header compiles, constants,
# layouts, exported symbols). Prints "N passed, N failed" last.
#
# Usage: capi-tests/run.sh [test_name ...]   (run `make build` first)
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
LIB=${ZMQRS_LIB:-$ROOT/target/release}
OUT=${ZMQRS_TEST_OUT:-$ROOT/target/capi-tests}
mkdir -p "$OUT"
CC=${CC:-cc}
CXX=${CXX:-c++}
TIMEOUT=${TEST_TIMEOUT:-120}
# Panic messages of zmqrs are quiet by default (the host's stderr is
# not ours); the tests want to see them.
export ZMQRS_PANIC_TRACE=${ZMQRS_PANIC_TRACE-1}
STATIC_LIBS="-lsodium -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
CFLAGS="-std=c99 -Wall -Wextra -pedantic -Werror -DZMQ_BUILD_DRAFT_API -D_GNU_SOURCE -I$ROOT/include -I$ROOT/capi-tests"

passed=0
failed=0
failures=()

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1"; }

for lib in libzmq.so.5 libzmq.a libzmqrs.so; do
    [ -f "$LIB/$lib" ] || { echo "missing $LIB/$lib: run 'make build' first"; exit 2; }
done

# One test program, built and run against one library flavour.
run_one() {
    local src=$1 flavour=$2 name bin log
    name=$(basename "$src" .c)
    bin=$OUT/$name.$flavour
    log=$OUT/$name.$flavour.log
    if [ "$flavour" = shared ]; then
        $CC $CFLAGS "$src" -o "$bin" -L"$LIB" -lzmq -Wl,-rpath,"$LIB" -pthread >"$log" 2>&1
    else
        $CC $CFLAGS "$src" -o "$bin" "$LIB/libzmq.a" $STATIC_LIBS -pthread >"$log" 2>&1
    fi || { cat "$log"; fail "$name ($flavour): does not build"; return; }
    local rc=0
    LD_LIBRARY_PATH="$LIB" timeout "$TIMEOUT" "$bin" >>"$log" 2>&1 || rc=$?
    if [ $rc = 0 ]; then
        pass "$name ($flavour): $(tail -n 1 "$log")"
    else
        cat "$log"
        # 124: timed out; above 128: killed by signal rc - 128
        fail "$name ($flavour): exit status $rc"
    fi
}

if [ $# -gt 0 ]; then
    tests=()
    for t in "$@"; do tests+=("capi-tests/$t.c"); done
else
    tests=(capi-tests/test_*.c)
fi

for src in "${tests[@]}"; do
    run_one "$src" shared
    run_one "$src" static
done

if [ $# -eq 0 ]; then
    # ABI: each check prints PASS/FAIL lines of its own and "abi: N passed, N failed".
    abi_out=$(capi-tests/abi/check.sh 2>&1)
    echo "$abi_out" | grep -v '^abi: '
    abi_p=$(echo "$abi_out" | sed -n 's/^abi: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    abi_f=$(echo "$abi_out" | sed -n 's/^abi: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$abi_p" ]; then
        fail "abi checks did not report"
    else
        passed=$((passed + abi_p))
        failed=$((failed + abi_f))
        [ "$abi_f" -eq 0 ] || failures+=("abi ($abi_f)")
    fi
fi

echo
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "capi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
