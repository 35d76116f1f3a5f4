#!/usr/bin/env bash
# Consumer checks against an installed prefix (make install PREFIX=...):
#  a) a C program built with `pkg-config --cflags --libs libzmq` (and the
#     static flavour with `pkg-config --static`);
#  b) a CMake project using find_package(ZeroMQ) and the libzmq /
#     libzmq-static targets;
#  c) the binary swap: a program compiled and linked against Debian's libzmq
#     runs on our libzmq.so.5 through LD_LIBRARY_PATH.
# Each program must report our version, 4.3.5. Prints "N passed, N failed".
set -u
PREFIX=${1:?usage: run.sh PREFIX}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/../../target/consumers
rm -rf "$OUT" && mkdir -p "$OUT"
CC=${CC:-cc}
WANT=4.3.5
passed=0
failed=0

expect_ours() { # label command...
    local label=$1 got
    shift
    if got=$("$@" 2>"$OUT/err.log") && [ "$got" = "$WANT" ]; then
        passed=$((passed + 1)); echo "PASS consumer: $label"
    else
        failed=$((failed + 1)); echo "FAIL consumer: $label (got '$got')"; cat "$OUT/err.log"
    fi
}
build_fail() { failed=$((failed + 1)); echo "FAIL consumer: $1 does not build"; cat "$OUT/build.log"; }

export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig

# a) pkg-config, shared and static.
if $CC "$HERE/app.c" -o "$OUT/app_pc" $(pkg-config --cflags --libs libzmq) >"$OUT/build.log" 2>&1; then
    expect_ours "pkg-config libzmq (shared)" env LD_LIBRARY_PATH="$PREFIX/lib" "$OUT/app_pc"
else build_fail "pkg-config libzmq (shared)"; fi
if $CC "$HERE/app.c" -o "$OUT/app_pc_static" $(pkg-config --cflags libzmq) \
    -L"$PREFIX/lib" -Wl,-Bstatic -lzmq -Wl,-Bdynamic \
    $(pkg-config --static --libs-only-l libzmq | sed 's/-lzmq\b//') >"$OUT/build.log" 2>&1; then
    expect_ours "pkg-config --static libzmq" "$OUT/app_pc_static"
else build_fail "pkg-config --static libzmq"; fi
if $CC "$HERE/app.c" -o "$OUT/app_pc_rs" $(pkg-config --cflags --libs libzmqrs) >"$OUT/build.log" 2>&1; then
    expect_ours "pkg-config libzmqrs" env LD_LIBRARY_PATH="$PREFIX/lib" "$OUT/app_pc_rs"
else build_fail "pkg-config libzmqrs"; fi

# b) CMake find_package(ZeroMQ).
if cmake -S "$HERE/cmake" -B "$OUT/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" >"$OUT/build.log" 2>&1 \
    && cmake --build "$OUT/cmake" >>"$OUT/build.log" 2>&1; then
    expect_ours "cmake target libzmq" "$OUT/cmake/app_shared"
    expect_ours "cmake target libzmq-static" "$OUT/cmake/app_static"
else build_fail "cmake find_package(ZeroMQ)"; fi

# c) Binary swap: built against the system's libzmq (Debian libzmq3-dev).
if [ -f /usr/include/zmq.h ] && $CC "$HERE/app.c" -o "$OUT/app_system" -I/usr/include \
    -L/usr/lib/x86_64-linux-gnu -lzmq >"$OUT/build.log" 2>&1; then
    sys=$("$OUT/app_system")
    echo "note: the same binary on the system's libzmq reports $sys"
    expect_ours "binary built on Debian libzmq runs on our libzmq.so.5" \
        env LD_LIBRARY_PATH="$PREFIX/lib" "$OUT/app_system"
else build_fail "program against the system libzmq (install libzmq3-dev)"; fi

echo "consumers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
