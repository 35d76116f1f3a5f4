#!/usr/bin/env bash
# Builds every example against an installed prefix, the way a user's program
# would (`pkg-config --cflags --libs libzmq`), and runs them: the tour once,
# and each pattern (reqrep, pubsub, pipeline) over tcp, ipc and inproc, each
# under `timeout 10`. Prints "PASS name transport" (with the output of the
# tour and of the tcp runs; VERBOSE=1 for all) or "FAIL ..." with the
# program's output, then "examples: N passed, M failed"; exits non-zero when
# any failed.
#
# Usage: examples/run.sh PREFIX   (PREFIX holds include/ and lib/pkgconfig,
#                                  as `make install PREFIX=...` leaves them)
# CC and CFLAGS may be set; the binaries go to target/examples (or $OUT).
# The examples share their helpers through examples/example.h (-I$HERE).
set -u
PREFIX=${1:?usage: examples/run.sh PREFIX}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/../target/examples}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--std=c99 -O2 -Wall -Wextra -pedantic -Werror}
TIMEOUT=${EXAMPLE_TIMEOUT:-10}
PATTERNS="reqrep pubsub pipeline"
TRANSPORTS="tcp ipc inproc"
passed=0
failed=0

export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
# pkg-config would fall back to the system's libzmq.pc: make sure it is ours.
if [ ! -f "$PKG_CONFIG_PATH/libzmq.pc" ] \
    || ! flags=$(pkg-config --cflags --libs libzmq) \
    || ! libdir=$(pkg-config --variable=libdir libzmq) \
    || ! version=$(pkg-config --modversion libzmq); then
    echo "FAIL no libzmq.pc in $PKG_CONFIG_PATH (run 'make install PREFIX=$PREFIX' first)"
    echo "examples: 0 passed, 1 failed"
    exit 1
fi
mkdir -p "$OUT"
echo "examples: building with $CC $CFLAGS -I$HERE $flags -Wl,-rpath,$libdir"

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/    /' "$2"; }

# Runs one built example; PASS when it exits 0 in time and says "ok".
run() { # name [transport]
    local name=$1 label="$*" log=$OUT/$1${2:+.$2}.log rc
    timeout "$TIMEOUT" "$OUT/$name" "${@:2}" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 124 ]; then
        echo "(timed out after $TIMEOUT s)" >>"$log"
        fail "$label" "$log"
    elif [ "$rc" -ne 0 ]; then
        echo "(exit status $rc)" >>"$log"
        fail "$label" "$log"
    elif ! grep -q ': ok' "$log"; then
        echo "(exit status 0 without \"ok\")" >>"$log"
        fail "$label" "$log"
    elif [ "$name" = tour ] && ! grep -q "libzmq $version\$" "$log"; then
        # Linked through the rpath to the installed library, not another.
        echo "(not running the installed libzmq $version)" >>"$log"
        fail "$label" "$log"
    else
        pass "$label"
        # What the programs print: the tour's and the tcp runs', or all of
        # it with VERBOSE=1.
        if [ -n "${VERBOSE:-}" ] || [ "$name" = tour ] || [ "${2:-}" = tcp ]; then
            sed 's/^/    /' "$log"
        fi
    fi
}

for name in tour $PATTERNS; do
    # shellcheck disable=SC2086 # CFLAGS and flags are lists of words
    if ! $CC $CFLAGS -I"$HERE" "$HERE/$name.c" -o "$OUT/$name" $flags \
        -Wl,-rpath,"$libdir" >"$OUT/$name.build.log" 2>&1; then
        if [ "$name" = tour ]; then
            fail "$name (does not build)" "$OUT/$name.build.log"
        else
            for transport in $TRANSPORTS; do
                fail "$name $transport (does not build)" "$OUT/$name.build.log"
            done
        fi
        continue
    fi
    if [ "$name" = tour ]; then
        run tour
    else
        for transport in $TRANSPORTS; do
            run "$name" "$transport"
        done
    fi
done

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
