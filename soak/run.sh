#!/usr/bin/env bash
# The soak test (`make soak`): builds soak/soak.c into target/soak/ and runs
# it. For a bounded time every socket pattern (PUSH/PULL, REQ/REP,
# DEALER/ROUTER, PUB/SUB, PAIR and, with the draft API, CLIENT/SERVER) runs
# over inproc, ipc and tcp at once, in cycles of steady traffic ended by a
# restart of one side, with slow consumers and tiny HWMs now and then. It
# passes when nothing is lost beyond what ZeroMQ's semantics allow, nothing
# is duplicated, reordered or corrupted, nothing gets stuck, and the RSS at
# the end is within 10% of the RSS after warm-up. The rules are explained
# at the top of soak/soak.c; the program prints a table per scenario and
# "soak: PASS" or "soak: FAIL (reasons)".
#
# Usage: soak/run.sh              (after `make build`; `make soak` does both)
#
# Knobs (environment):
#   SOAK_SECONDS=600   how long to run (longer: SOAK_SECONDS=3600)
#   SOAK_LIB=zmqrs     which library:
#                        zmqrs   $ZMQRS_LIB/libzmq.so.5 (ZMQRS_LIB defaults
#                                to target/release), with the repository's
#                                include/zmq.h and the draft API
#                        system  the system's libzmq and its own zmq.h, for
#                                comparison; Debian's libzmq exports no
#                                draft function, so this build has no draft
#                                API and CLIENT/SERVER is skipped
#                        DIR     a directory holding another libzmq.so.5
#                                with the draft API (for instance the one
#                                capi-tests/interop/draft-libzmq.sh builds)
#   SOAK_TCACHE=0      1 leaves glibc's per-thread malloc caches on; by
#                      default they are off for the run, since their slow
#                      filling (never undone by malloc_trim) makes RSS creep
#                      for minutes without any growth of the live heap
#   SOAK_WARMUP, SOAK_STUCK, SOAK_RSS_SLACK, SOAK_RSS_EVERY, SOAK_TRIM,
#   SOAK_SEED, SOAK_ONLY, SOAK_ACTIONS, SOAK_IMMEDIATE_RECONNECT,
#   SOAK_DEBUG         passed on to the program (see the top of soak/soak.c)
#   CC                 the C compiler (cc)
#
# Exit status: the program's (0 only on PASS); 2 when it cannot be built.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/soak
CC=${CC:-cc}
export SOAK_SECONDS=${SOAK_SECONDS:-600}
CFLAGS="-std=c99 -O2 -Wall -Wextra -pedantic -Werror -D_GNU_SOURCE -pthread"
mkdir -p "$OUT"

case "${SOAK_LIB:-zmqrs}" in
system)
    BIN=$OUT/soak-system
    $CC $CFLAGS soak/soak.c -o "$BIN" -lzmq || exit 2
    RUNLIB=
    ;;
*)
    if [ "${SOAK_LIB:-zmqrs}" = zmqrs ]; then
        LIB=${ZMQRS_LIB:-$ROOT/target/release}
        BIN=$OUT/soak
    else
        LIB=$SOAK_LIB
        BIN=$OUT/soak-other
    fi
    if [ ! -f "$LIB/libzmq.so.5" ]; then
        echo "soak: $LIB/libzmq.so.5 is missing (make build)" >&2
        exit 2
    fi
    # Linked by SONAME against $LIB; LD_LIBRARY_PATH picks the library at
    # run time (the program prints which file it got).
    $CC $CFLAGS -DZMQ_BUILD_DRAFT_API -I"$ROOT/include" soak/soak.c -o "$BIN" \
        -L"$LIB" -l:libzmq.so.5 || exit 2
    RUNLIB=$LIB
    ;;
esac

if [ "${SOAK_TCACHE:-0}" != 1 ]; then
    export GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.tcache_count=0
fi

# The program ends itself (a watchdog included); timeout is the last resort.
limit=$((SOAK_SECONDS + 600))
if [ -n "$RUNLIB" ]; then
    LD_LIBRARY_PATH="$RUNLIB" timeout -k 10 "$limit" "$BIN"
else
    env -u LD_LIBRARY_PATH timeout -k 10 "$limit" "$BIN"
fi
