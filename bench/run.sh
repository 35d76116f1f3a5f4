#!/usr/bin/env bash
# Side-by-side benchmark: zmqrs against the system's libzmq (Debian libzmq5)
# and against plain sockets, in one run.
#
#   bench/run.sh                 every row, 5 repetitions each (alternating)
#   REPS=3 ROWS='^thr tcp' bench/run.sh    fewer repetitions, rows matching a regex
#   SKIP_BUILD=1 bench/run.sh    use target/release as it is
#
# zbench and rawbench are built once against include/zmq.h and linked by
# SONAME (libzmq.so.5) without an RPATH; each zbench run takes its library
# from LD_LIBRARY_PATH: target/release for zmqrs, nothing (so the system's
# libzmq.so.5) for libzmq.  The two alternate, run by run, and every run
# checks from zmq_version that it got the library it meant to.  The table
# gives medians; "ratio" is ours / libzmq (above 1 is better for
# throughput, below 1 is better for latency); "ref" is the same traffic
# over a plain socket (tcp for tcp, a unix socket for ipc) and "of ref" our
# fraction of it; the RSS columns are the median peak resident sets.
#
# The draft socket rows (csthr, cslat: CLIENT/SERVER; rdthr: RADIO/DISH)
# need draft functions Debian's libzmq does not export: their libzmq side
# is Debian's same libzmq 4.3.4 source built with drafts
# (capi-tests/interop/draft-libzmq.sh, cached; ZMQRS_DRAFT_LIB names
# another), run by zbench-draft. Without it those rows are skipped.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
REPS=${REPS:-5}
ROWS=${ROWS:-.}
OUT=${OUT:-$ROOT/bench/build}
OURS=${ZMQRS_LIB:-$ROOT/target/release}
mkdir -p "$OUT"

if [ -z "${SKIP_BUILD:-}" ]; then
    make -s build >/dev/null
fi
if [ ! -e "$OURS/libzmq.so.5" ]; then
    echo "bench: $OURS/libzmq.so.5 is missing (make build)" >&2
    exit 1
fi
# awk reads to the end: leaving early would kill ldconfig with SIGPIPE,
# which pipefail turns into a failed run.
SYSLIB=$(/sbin/ldconfig -p | awk '/libzmq\.so\.5 / && !found {print $NF; found = 1}')
if [ -z "$SYSLIB" ]; then
    echo "bench: no system libzmq.so.5 (apt-get install libzmq5)" >&2
    exit 1
fi

CC=${CC:-cc}
$CC -O2 -Wall -Wextra -I include bench/zbench.c -o "$OUT/zbench" -L "$OURS" -lzmq -lpthread
# (a library without the draft functions leaves the draft rows out)
rm -f "$OUT/zbench-draft"
$CC -O2 -Wall -Wextra -DZMQ_BUILD_DRAFT_API -I include bench/zbench.c -o "$OUT/zbench-draft" \
    -L "$OURS" -lzmq -lpthread 2>/dev/null || true
$CC -O2 -Wall -Wextra bench/rawbench.c -o "$OUT/rawbench"

# kind transport size count [reference transport]
ROW_LIST=()
thr_count() { case $1 in 1 | 64) echo 2000000 ;; 1024) echo 500000 ;; 65536) echo 20000 ;; *) echo 1000 ;; esac; }
lat_count() { case $1 in 65536) echo 2000 ;; 1048576) echo 200 ;; *) echo 5000 ;; esac; }
for t in inproc ipc tcp; do
    ref=-
    [ $t = ipc ] && ref=unix
    [ $t = tcp ] && ref=tcp
    for s in 1 64 1024 65536 1048576; do
        ROW_LIST+=("thr $t $s $(thr_count $s) $ref")
    done
    for s in 1 64 1024 65536 1048576; do
        ROW_LIST+=("lat $t $s $(lat_count $s) $ref")
    done
done
# tcp with CURVE security (no reference: raw TCP does no encryption)
ROW_LIST+=("thr curve 64 $(thr_count 64) -" "thr curve 1024 $(thr_count 1024) -")
ROW_LIST+=("lat curve 64 $(lat_count 64) -")
# connections one after another: connect, handshake (NULL or CURVE), one
# 64 B round trip, close
ROW_LIST+=("conn tcp 64 2000 -" "conn ipc 64 2000 -" "conn curve 64 1000 -")
# round trips where each side waits in zmq_poll before it receives
for t in inproc ipc tcp; do
    ref=-
    [ $t = ipc ] && ref=unix
    [ $t = tcp ] && ref=tcp
    ROW_LIST+=("latpoll $t 64 $(lat_count 64) $ref")
done
for t in inproc tcp; do
    ROW_LIST+=("fanout $t 64 200000 -" "fanout $t 1024 100000 -")
done
# paced: 64 B messages (pthr) or requests (plat) at a fixed rate for two
# seconds; what they are for is the cpu columns at ordinary rates
for t in ipc tcp; do
    for r in 1000 5000 20000; do
        ROW_LIST+=("pthr $t $r $((r * 2)) -" "plat $t $r $((r * 2)) -")
    done
done
# scale: 10,000 DEALERs (in two processes) connect at once to one ROUTER,
# one message each way (value: seconds; per connection: resident memory
# of all processes); PUB fan-out to 1,000 tcp subscribers in another process
ROW_LIST+=("scale tcp 64 10000 -" "fanout1k tcp 64 1000 -")
# subscription reach: a SUB subscribes to a fresh topic and its PUB (same
# thread) sends it at once and again until it arrives; median and 10th
# percentile microseconds over 200 topics; SIZE 0 idle, 1 with both cores
# kept busy by two spinning processes
for t in inproc ipc tcp; do
    ROW_LIST+=("subreach $t 0 200 -" "subreach $t 1 200 -")
done
ROW_LIST+=("mem tcp 1000 - -")
# subscription tries: long topics (16 MiB in all; libzmq 4.3.4 overflows its
# stack on a single topic of 1 MiB), and many short ones
ROW_LIST+=("subset inproc 65536 256 -" "submem inproc 65536 256 -")
ROW_LIST+=("subset inproc 32 20000 -" "submem inproc 32 20000 -")
# draft socket types, against libzmq built with drafts
ROW_LIST+=("csthr tcp 64 $(thr_count 64) -" "csthr tcp 1024 $(thr_count 1024) -")
ROW_LIST+=("cslat tcp 64 $(lat_count 64) -")
ROW_LIST+=("rdthr tcp 64 $(thr_count 64) -" "rdthr udp 64 200000 -")

median() { sort -g | awk '{v[NR]=$1} END{if(NR==0){print "-"}else if(NR%2){print v[(NR+1)/2]}else{print (v[NR/2]+v[NR/2+1])/2}}'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

is_draft() { case $1 in csthr | cslat | rdthr) return 0 ;; *) return 1 ;; esac; }

# run LIBDIR VERSION ARGS... -> the RESULT line, checked to come from VERSION
run_one() {
    local libdir=$1 want=$2
    shift 2
    local line zb=$OUT/zbench
    is_draft "$1" && zb=$OUT/zbench-draft
    line=$(LD_LIBRARY_PATH=$libdir "$zb" "$@" | grep '^RESULT') || {
        echo "bench: zbench $* failed on ${libdir:-the system libzmq}" >&2
        exit 1
    }
    if [ "$(echo "$line" | field version)" != "$want" ]; then
        echo "bench: zbench $* did not run on libzmq $want: $line" >&2
        exit 1
    fi
    echo "$line"
}

SYSVERSION=$(LD_LIBRARY_PATH= "$OUT/zbench" mem inproc 1 | field version)
OURVERSION=$(LD_LIBRARY_PATH=$OURS "$OUT/zbench" mem inproc 1 | field version)
if [ "$SYSVERSION" = "$OURVERSION" ]; then
    echo "bench: both runs report libzmq $SYSVERSION; cannot tell them apart" >&2
    exit 1
fi

DRAFTLIB=${ZMQRS_DRAFT_LIB:-}
DRAFTVERSION=
if [ -x "$OUT/zbench-draft" ] &&
    printf '%s\n' "${ROW_LIST[@]}" | awk '{print $1, $2, $3}' | grep -E -- "$ROWS" | grep -Eq '^(csthr|cslat|rdthr) '; then
    if [ -z "$DRAFTLIB" ]; then
        DRAFTLIB=$(capi-tests/interop/draft-libzmq.sh 2>/dev/null) || DRAFTLIB=
    fi
    if [ -n "$DRAFTLIB" ]; then
        DRAFTVERSION=$(LD_LIBRARY_PATH=$DRAFTLIB "$OUT/zbench-draft" mem inproc 1 | field version)
    fi
fi

printf '# %s, %s cores, %s; zmqrs (%s) vs %s (%s), %s reps\n' \
    "$(uname -m)" "$(nproc)" "$(uname -r)" "$OURVERSION" "$SYSLIB" "$SYSVERSION" "$REPS"
if [ -n "$DRAFTVERSION" ]; then
    printf '# draft rows: vs %s (%s, built with drafts)\n' "$DRAFTLIB" "$DRAFTVERSION"
fi
printf '%-24s %14s %14s %7s %11s %14s %7s %9s %9s %10s %10s\n' row ours libzmq ratio spread ref 'of ref' \
    'cpu ours' 'cpu lzmq' 'rss ours' 'rss lzmq'
for r in "${ROW_LIST[@]}"; do
    read -r kind t s n ref <<<"$r"
    if [ "$kind" = mem ]; then
        label="mem $t x$s"
        args=(mem "$t" "$s")
    elif [ "$kind" = subset ] || [ "$kind" = submem ]; then
        label="$kind $t $s x$n"
        args=("$kind" "$t" "$s" "$n")
    else
        label="$kind $t $s"
        args=("$kind" "$t" "$s" "$n")
    fi
    echo "$label" | grep -Eq -- "$ROWS" || continue
    syslib="" sysversion=$SYSVERSION
    if is_draft "$kind"; then
        if [ -z "$DRAFTVERSION" ]; then
            echo "$label: skipped (no libzmq with drafts to compare with)"
            continue
        fi
        syslib=$DRAFTLIB sysversion=$DRAFTVERSION
    fi
    ours=() lz=() ours_rss=() lz_rss=() ours_x=() lz_x=() raw=() ours_cpu=() lz_cpu=()
    # a second figure some rows print on a line of their own
    xfield=per_conn xlabel="per connection"
    [ "$kind" = subreach ] && xfield=p10 xlabel=p10
    for ((i = 0; i < REPS; i++)); do
        # alternate which library goes first
        if ((i % 2)); then order="system ours"; else order="ours system"; fi
        for who in $order; do
            if [ $who = ours ]; then
                line=$(run_one "$OURS" "$OURVERSION" "${args[@]}")
                ours+=("$(echo "$line" | field value)")
                ours_rss+=("$(echo "$line" | field rss_kb)")
                ours_x+=("$(echo "$line" | field "$xfield")")
                ours_cpu+=("$(echo "$line" | field cpu_us)")
            else
                line=$(run_one "$syslib" "$sysversion" "${args[@]}")
                lz+=("$(echo "$line" | field value)")
                lz_rss+=("$(echo "$line" | field rss_kb)")
                lz_x+=("$(echo "$line" | field "$xfield")")
                lz_cpu+=("$(echo "$line" | field cpu_us)")
            fi
        done
        if [ "$ref" != - ]; then
            rn=$n
            # the stream reference needs more bytes than a message run to be timed
            [ "$kind" = thr ] && rn=$(((1 << 31) / s > 1000000000 ? 1000000000 : (1 << 31) / s))
            rawkind=$kind
            [ "$kind" = latpoll ] && rawkind=lat
            raw+=("$("$OUT/rawbench" "$rawkind" "$ref" "$s" "$rn" | field value)")
        fi
    done
    mo=$(printf '%s\n' "${ours[@]}" | median)
    ml=$(printf '%s\n' "${lz[@]}" | median)
    ro=$(printf '%s\n' "${ours_rss[@]}" | median)
    rl=$(printf '%s\n' "${lz_rss[@]}" | median)
    ratio=$(awk -v a="$mo" -v b="$ml" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')
    # the spread: the lowest and highest ratio of one repetition's pair
    spread=$(paste -d' ' <(printf '%s\n' "${ours[@]}") <(printf '%s\n' "${lz[@]}") |
        awk '$2 > 0 { r = $1 / $2; if (n++ == 0 || r < lo) lo = r; if (n == 1 || r > hi) hi = r }
             END { if (n) printf "%.2f-%.2f", lo, hi; else print "-" }')
    co=$(printf '%s\n' "${ours_cpu[@]}" | awk 'NF' | median)
    cl=$(printf '%s\n' "${lz_cpu[@]}" | awk 'NF' | median)
    if [ ${#raw[@]} -gt 0 ]; then
        mr=$(printf '%s\n' "${raw[@]}" | median)
        if [ "$kind" = lat ] || [ "$kind" = latpoll ]; then
            frac=$(awk -v a="$mo" -v b="$mr" 'BEGIN{printf "%.2f", (a > 0 ? b / a : 0)}')
        else
            frac=$(awk -v a="$mo" -v b="$mr" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')
        fi
    else
        mr=- frac=-
    fi
    fmt() { awk -v v="$1" 'BEGIN{ if (v == "-") print "-"; else if (v >= 1000) printf "%.0f", v; else printf "%.2f", v }'; }
    printf '%-24s %14s %14s %7s %11s %14s %7s %9s %9s %9sK %9sK\n' "$label" "$(fmt "$mo")" \
        "$(fmt "$ml")" "$ratio" "$spread" "$(fmt "$mr")" "$frac" "$(fmt "$co")" "$(fmt "$cl")" \
        "$ro" "$rl"
    if [ "$kind" = mem ] || [ "$kind" = scale ] || [ "$kind" = subreach ]; then
        xo=$(printf '%s\n' "${ours_x[@]}" | median)
        xl=$(printf '%s\n' "${lz_x[@]}" | median)
        printf '%-24s %14s %14s %7s\n' "$label $xlabel" "$(fmt "$xo")" "$(fmt "$xl")" \
            "$(awk -v a="$xo" -v b="$xl" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')"
    fi
done
echo "cpu: user + system CPU microseconds of both processes per message (per round trip for lat, latpoll, cslat, plat; per connection for conn and scale; per delivery for fanout1k), medians; spread: lowest-highest ratio of the repetitions"
echo "units: pthr RATE: msg/s sent at RATE (compare cpu); plat RATE: one-way us of requests at RATE/s"
echo "units: thr and csthr msg/s, rdthr msg/s received (udp: lossy), lat, latpoll and cslat one-way us, fanout deliveries/s (10 subscribers), conn connections/s, scale seconds (lower is better), fanout1k deliveries/s (1000 subscribers), subreach SIZE 0 idle / 1 loaded: median us from subscribe to delivery (and its p10), mem bytes, subset ms to subscribe the set, submem resident bytes per topic byte per trie"
