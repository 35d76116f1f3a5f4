#!/usr/bin/env bash
# WebSocket benchmark (issue #22): zmqrs over ws:// and wss:// against
# zmqrs over tcp in the same run, and against a libzmq with the ws
# transport when one is given (Debian's libzmq has none: build zeromq/libzmq
# with drafts and GnuTLS outside the repository and name its lib directory).
#
#   bench/ws.sh                          ours: tcp, ws, wss
#   WS_LIBZMQ=/path/to/lib bench/ws.sh   and that libzmq's ws, wss
#   REPS=5 (repetitions, alternating), SKIP_BUILD=1 (use target/release)
#
# Rows: thr (PUSH -> PULL, msg/s) and lat (REQ <-> REP, one-way us) at
# 64 B and 64 KiB, each process pair forked by zbench. The table gives
# medians; "ws/tcp" and "wss/tcp" are ours over ws (wss) against ours over
# tcp (above 1 is better for thr, below 1 for lat); "ours/lzmq" compares the
# same transport; cpu is user + system microseconds of both processes per
# message (per round trip for lat).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=${REPS:-5}
OUT=${OUT:-$ROOT/bench/build}
OURS=${ZMQRS_LIB:-$ROOT/target/release}
LZ=${WS_LIBZMQ:-}
mkdir -p "$OUT"
[ -n "${SKIP_BUILD:-}" ] || make -s build >/dev/null
CC=${CC:-cc}
$CC -O2 -Wall -Wextra -I include bench/zbench.c -o "$OUT/zbench" -L "$OURS" -lzmq -lpthread

field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
run() { # libdir kind transport size count -> "value cpu"
    local line
    line=$(LD_LIBRARY_PATH=$1 timeout 300 "$OUT/zbench" "$2" "$3" "$4" "$5" | grep '^RESULT') || {
        echo "- -"
        return
    }
    echo "$(echo "$line" | field value) $(echo "$line" | field cpu_us)"
}

printf '%-14s %12s %8s %12s %8s %12s %8s %7s %8s' row 'ours tcp' cpu 'ours ws' cpu 'ours wss' cpu ws/tcp wss/tcp
[ -z "$LZ" ] || printf ' %12s %12s %9s %9s' 'lzmq ws' 'lzmq wss' 'ws o/l' 'wss o/l'
echo
for row in "thr 64 2000000" "thr 65536 20000" "lat 64 5000" "lat 65536 2000"; do
    set -- $row
    kind=$1 size=$2 count=$3
    declare -A v=() c=()
    for ((i = 0; i < REPS; i++)); do
        for key in ours:tcp ours:ws ours:wss ${LZ:+lz:ws lz:wss}; do
            lib=$OURS
            [ "${key%%:*}" = lz ] && lib=$LZ
            read -r val cpu <<<"$(run "$lib" "$kind" "${key#*:}" "$size" "$count")"
            v[$key]+="$val "
            c[$key]+="$cpu "
        done
    done
    med() { echo "$1" | tr ' ' '\n' | awk 'NF && $1 != "-"' | median; }
    declare -A m=() mc=()
    for key in "${!v[@]}"; do
        m[$key]=$(med "${v[$key]}")
        mc[$key]=$(med "${c[$key]}")
    done
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
    printf '%-14s %12s %8s %12s %8s %12s %8s %7s %8s' "$kind $size" \
        "${m[ours:tcp]}" "${mc[ours:tcp]}" "${m[ours:ws]}" "${mc[ours:ws]}" \
        "${m[ours:wss]}" "${mc[ours:wss]}" \
        "$(ratio "${m[ours:ws]}" "${m[ours:tcp]}")" "$(ratio "${m[ours:wss]}" "${m[ours:tcp]}")"
    if [ -n "$LZ" ]; then
        printf ' %12s %12s %9s %9s' "${m[lz:ws]}" "${m[lz:wss]}" \
            "$(ratio "${m[ours:ws]}" "${m[lz:ws]}")" "$(ratio "${m[ours:wss]}" "${m[lz:wss]}")"
    fi
    echo
    unset v c m mc
done
echo "thr: msg/s; lat: one-way us; cpu: us per message (per round trip for lat); medians of $REPS"
