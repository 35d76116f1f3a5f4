#!/usr/bin/env bash
# make sanitize: the Rust code under three checkers, each report a failure.
#
#   address  the library built with -Zsanitizer=address (nightly), every C
#            API test (capi-tests/run.sh, shared and static) compiled with
#            GCC's -fsanitize=address and run against it; LeakSanitizer on
#   thread   the library built with -Zsanitizer=thread and -Zbuild-std (so
#            that std's locks are seen too), every C API test compiled with
#            -fsanitize=thread, and the Rust unit tests under it
#   miri     Miri (strict provenance) over the unit tests of the lock-free
#            pipe (src/pipe/) and the message body pool (src/msg/pool.rs),
#            threaded ones included (smaller counts under cfg(miri))
#
# Reports go to files (log_path) under target/sanitize/SAN/logs, so that a
# test that checks its own stderr stays meaningful; any "ERROR:" or
# "WARNING: ...Sanitizer" in them fails the run. The allocator may return
# NULL (test_lying_lengths asks for 2^62 bytes and wants ENOMEM back); its
# "failed to allocate" notes are not reports. Tests learn the sanitizer
# from ZMQRS_SANITIZER and skip the few cases it cannot run (fork with
# threads under TSan; a timing case), saying so.
#
# Environment: SANITIZERS (default "address thread miri") picks stages.
# Needs a nightly toolchain with rust-src and miri: installed when missing.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
STAGES=${SANITIZERS:-address thread miri}
HOST=$(rustc -vV | sed -n 's/^host: //p')
OUT=$ROOT/target/sanitize
STATIC_LIBS="-lsodium -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
CC=${CC:-gcc}
failed=()
summary=()

if ! cargo +nightly --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal >/dev/null || exit 2
fi
rustup component add --toolchain nightly rust-src miri >/dev/null 2>&1 || {
    echo "sanitize: could not add rust-src and miri to nightly" >&2
    exit 2
}

# The library with one sanitizer: target/sanitize/SAN/lib/{libzmq.so.5,
# libzmq.a, libzmqrs.so}, laid out as capi-tests/run.sh wants them.
build_lib() { # san [cargo args...]
    local san=$1 dir=$OUT/$1 rel
    shift
    rel=$dir/build/$HOST/release
    RUSTFLAGS="-Zsanitizer=$san" CARGO_PROFILE_RELEASE_LTO=false \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
        cargo +nightly build "$@" --release --lib --target "$HOST" \
        --target-dir "$dir/build" || return 1
    mkdir -p "$dir/lib"
    cp -f "$rel/libzmqrs.a" "$dir/lib/libzmq.a"
    cp -f "$rel/libzmqrs.so" "$dir/lib/libzmqrs.so"
    if [ "$san" = thread ]; then
        # GCC's libtsan lacks the memcpy entry points newer LLVM calls.
        $CC -fsanitize=thread -fno-builtin -O1 -c sanitize/tsan_shim.c \
            -o "$dir/tsan_shim.o" || return 1
        ar rcs "$dir/lib/libzmq.a" "$dir/tsan_shim.o"
    fi
    $CC -fsanitize="$san" -shared -o "$dir/lib/libzmq.so.5" \
        -Wl,-soname,libzmq.so.5 -Wl,--whole-archive "$dir/lib/libzmq.a" \
        -Wl,--no-whole-archive -Wl,--version-script=zmq.map \
        -Wl,--gc-sections $STATIC_LIBS || return 1
    ln -sf libzmq.so.5 "$dir/lib/libzmq.so"
}

# Counts the reports in a log directory; prints the first one found.
reports() { # dir
    local files
    files=$(grep -lE 'ERROR: |WARNING: ThreadSanitizer:' "$1"/* 2>/dev/null)
    [ -z "$files" ] && { echo 0; return; }
    echo "$files" | wc -l
    for f in $files; do
        echo "--- $f" >&2
        head -n 40 "$f" >&2
    done
}

# Every C API test against the sanitized library.
capi() { # san options-variable options
    local san=$1 var=$2 opts=$3 dir=$OUT/$1 log rc n
    log=$dir/capi.log
    rm -rf "$dir/logs" && mkdir -p "$dir/logs"
    env "$var=$opts:log_path=$dir/logs/$san" ZMQRS_SANITIZER="$san" \
        ZMQRS_LIB="$dir/lib" ZMQRS_TEST_OUT="$dir/capi" \
        CC="$CC -fsanitize=$san -fno-omit-frame-pointer" \
        capi-tests/run.sh >"$log" 2>&1
    rc=$?
    n=$(reports "$dir/logs")
    summary+=("$san: C API tests: $(tail -n 1 "$log"); $n report(s)")
    if [ $rc != 0 ] || [ "$n" != 0 ]; then
        grep -E '^(FAIL|failed:)' "$log"
        failed+=("$san (C API tests)")
    fi
}

for stage in $STAGES; do
    echo "=== sanitize: $stage"
    case $stage in
    address)
        if build_lib address; then
            capi address ASAN_OPTIONS \
                "allocator_may_return_null=1:quarantine_size_mb=8:detect_leaks=1"
        else
            failed+=("address (build)")
        fi
        ;;
    thread)
        topts="allocator_may_return_null=1"
        if build_lib thread -Zbuild-std; then
            capi thread TSAN_OPTIONS "$topts"
        else
            failed+=("thread (build)")
        fi
        dir=$OUT/thread
        rm -rf "$dir/rust-logs" && mkdir -p "$dir/rust-logs"
        RUSTFLAGS="-Zsanitizer=thread" CARGO_PROFILE_RELEASE_LTO=false \
            CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
            CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
            TSAN_OPTIONS="$topts:log_path=$dir/rust-logs/tsan" \
            cargo +nightly test -Zbuild-std --release --lib --target "$HOST" \
            --target-dir "$dir/build" >"$dir/unit.log" 2>&1
        rc=$?
        n=$(reports "$dir/rust-logs")
        summary+=("thread: Rust unit tests: $(grep '^test result' "$dir/unit.log" | tail -n 1); $n report(s)")
        if [ $rc != 0 ] || [ "$n" != 0 ]; then
            tail -n 20 "$dir/unit.log"
            failed+=("thread (Rust unit tests)")
        fi
        ;;
    miri)
        mkdir -p "$OUT/miri"
        MIRIFLAGS="-Zmiri-strict-provenance" \
            cargo +nightly miri test --lib -- pipe:: msg::pool \
            >"$OUT/miri/unit.log" 2>&1
        rc=$?
        summary+=("miri: pipe and pool tests: $(grep '^test result' "$OUT/miri/unit.log" | tail -n 1)")
        if [ $rc != 0 ]; then
            grep -E '^error|Undefined Behavior' "$OUT/miri/unit.log" | head -n 20
            failed+=("miri")
        fi
        ;;
    *)
        echo "sanitize: unknown stage $stage (address, thread, miri)" >&2
        exit 2
        ;;
    esac
done

echo "=== sanitize summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "sanitize: FAILED: ${failed[*]}"
    exit 1
fi
echo "sanitize: clean"
