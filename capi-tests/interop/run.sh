#!/usr/bin/env bash
# Interop: capi-tests/interop/peer.c run as two processes, one on each
# library, in both directions (server on OURS + client on THEIRS, then the
# reverse), over tcp and ipc, for every pattern and scenario of peer.c.
# Besides the patterns: PLAIN and CURVE with a ZAP handler (accepted and
# refused clients, on dealerrouter) and pub-sub through zmq_proxy, where
# the "server" is the proxy and the "client" holds publisher and
# subscribers (named "proxy=ours pub+subs=theirs" and the reverse).
# Prints a PASS/FAIL line per scenario and "interop: N passed, N failed"
# last; exits 0 when nothing failed.
#
# Usage: capi-tests/interop/run.sh OURS_LIBDIR [THEIRS_LIBDIR]
#   OURS_LIBDIR    directory holding our libzmq.so.5 (e.g. target/release)
#   THEIRS_LIBDIR  directory holding real libzmq.so.5
#                  (default /usr/lib/x86_64-linux-gnu)
# Environment: CC (default cc), INTEROP_TIMEOUT seconds per scenario
# (default 60), INTEROP_SEQ_COUNT (default 100000), INTEROP_ONLY (a
# substring: run only the scenarios whose name contains it),
# INTEROP_DRAFT_LIBDIR (a directory holding a libzmq.so.5 built with the
# draft API: the draft socket types are tested against it, both ways;
# without it they are skipped, because Debian's libzmq, built without
# drafts, refuses CLIENT/SERVER peers in its handshake).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OURS=${1:?usage: run.sh OURS_LIBDIR [THEIRS_LIBDIR]}
THEIRS=${2:-/usr/lib/x86_64-linux-gnu}
OURS=$(cd "$OURS" && pwd) || exit 2
THEIRS=$(cd "$THEIRS" && pwd) || exit 2
CC=${CC:-cc}
TIMEOUT=${INTEROP_TIMEOUT:-60}
SEQ_COUNT=${INTEROP_SEQ_COUNT:-100000}
ONLY=${INTEROP_ONLY:-}
DRAFT=${INTEROP_DRAFT_LIBDIR:-}
[ -z "$DRAFT" ] || DRAFT=$(cd "$DRAFT" && pwd) || exit 2
# ws:// is a draft transport of libzmq: its peer is the draft build, or
# INTEROP_WS_LIBDIR (e.g. a libzmq built from zeromq/libzmq's HEAD).
WSLIB=${INTEROP_WS_LIBDIR:-$DRAFT}
[ -z "$WSLIB" ] || WSLIB=$(cd "$WSLIB" && pwd) || exit 2

for dir in "$OURS" "$THEIRS"; do
    [ -e "$dir/libzmq.so.5" ] || { echo "no libzmq.so.5 in $dir"; exit 2; }
done

WORK=$(mktemp -d /tmp/zmqrs-interop.XXXXXX) || exit 2
trap 'rm -rf "$WORK"' EXIT
PEER=$WORK/peer

# Built once, against our header; linked to libzmq.so.5 by soname, so the
# library is whichever LD_LIBRARY_PATH names first.
if ! $CC -std=c99 -Wall -Wextra -pedantic -Werror -D_GNU_SOURCE -DZMQ_BUILD_DRAFT_API -pthread \
        -I"$ROOT/include" "$HERE/peer.c" -o "$PEER" \
        "$THEIRS/libzmq.so.5" -ldl >"$WORK/build.log" 2>&1; then
    cat "$WORK/build.log"
    echo "interop: peer.c does not build"
    echo "interop: 0 passed, 1 failed"
    exit 1
fi

echo "ours:   $(LD_LIBRARY_PATH=$OURS "$PEER" version)"
if [ -n "$WSLIB" ] && [ "$(LD_LIBRARY_PATH=$WSLIB "$PEER" has WS)" != 1 ]; then
    echo "ws:     $WSLIB has no ws transport; the ws scenarios are skipped"
    WSLIB=
fi
echo "theirs: $(LD_LIBRARY_PATH=$THEIRS "$PEER" version)"

passed=0
failed=0
n=0

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    for log in "$WORK"/s"$n".*.log "$WORK"/c"$n".log; do
        [ -s "$log" ] && sed 's/^/    /' "$log"
    done
}

# One scenario: run_one NAME SERVER_LIB CLIENT_LIB PATTERN BIND_EP SCENARIO
run_one() {
    local name=$1 slib=$2 clib=$3 pattern=$4 bind_ep=$5 scenario=$6
    local epfile spid cpid src crc
    case "$name" in *"$ONLY"*) ;; *) return ;; esac
    n=$((n + 1))
    epfile=$WORK/ep$n
    LD_LIBRARY_PATH=$slib timeout "$TIMEOUT" "$PEER" server "$pattern" \
        "$bind_ep" "$scenario" "$epfile" "$SEQ_COUNT" >"$WORK/s$n.1.log" 2>&1 &
    spid=$!
    LD_LIBRARY_PATH=$clib timeout "$TIMEOUT" "$PEER" client "$pattern" \
        "$epfile" "$scenario" "$SEQ_COUNT" >"$WORK/c$n.log" 2>&1 &
    cpid=$!
    wait "$spid"; src=$?
    wait "$cpid"; crc=$?
    if [ "$src" -eq 0 ] && [ "$crc" -eq 0 ]; then
        pass "$name"
    else
        echo "    (server exit $src, client exit $crc)" >>"$WORK/c$n.log"
        fail "$name"
    fi
}

# The restart scenario: server 1, then server 2 on the same endpoint, while
# one client keeps sending.
run_restart() {
    local name=$1 slib=$2 clib=$3 bind_ep=$4
    local epfile cpid s1 s2 crc ep
    case "$name" in *"$ONLY"*) ;; *) return ;; esac
    n=$((n + 1))
    epfile=$WORK/ep$n
    LD_LIBRARY_PATH=$clib timeout "$TIMEOUT" "$PEER" client pushpull \
        "$epfile" restart >"$WORK/c$n.log" 2>&1 &
    cpid=$!
    LD_LIBRARY_PATH=$slib timeout "$TIMEOUT" "$PEER" server pushpull \
        "$bind_ep" restart1 "$epfile" >"$WORK/s$n.1.log" 2>&1
    s1=$?
    s2=1
    if [ "$s1" -eq 0 ] && ep=$(cat "$epfile" 2>/dev/null) && [ -n "$ep" ]; then
        LD_LIBRARY_PATH=$slib timeout "$TIMEOUT" "$PEER" server pushpull \
            "$ep" restart2 "$epfile" >"$WORK/s$n.2.log" 2>&1
        s2=$?
    fi
    [ "$s2" -eq 0 ] || touch "$epfile.done" # release the client
    wait "$cpid"; crc=$?
    if [ "$s1" -eq 0 ] && [ "$s2" -eq 0 ] && [ "$crc" -eq 0 ]; then
        pass "$name"
    else
        echo "    (server 1 exit $s1, server 2 exit $s2, client exit $crc)" \
            >>"$WORK/c$n.log"
        fail "$name"
    fi
}

for direction in ours-theirs theirs-ours; do
    if [ "$direction" = ours-theirs ]; then
        slib=$OURS; clib=$THEIRS; label="server=ours client=theirs"
    else
        slib=$THEIRS; clib=$OURS; label="server=theirs client=ours"
    fi
    for transport in tcp ipc; do
        for pattern in pair pushpull pullpush reqrep dealerrouter; do
            for scenario in basic seq; do
                if [ "$transport" = tcp ]; then
                    ep="tcp://127.0.0.1:*"
                else
                    ep="ipc://$WORK/$pattern-$scenario-$direction.sock"
                fi
                run_one "$transport $pattern $scenario ($label)" \
                    "$slib" "$clib" "$pattern" "$ep" "$scenario"
            done
        done
        if [ "$transport" = tcp ]; then
            ep="tcp://127.0.0.1:*"
        else
            ep="ipc://$WORK/xpubsub-$direction.sock"
        fi
        run_one "$transport xpubsub basic ($label)" \
            "$slib" "$clib" xpubsub "$ep" basic
        if [ "$transport" = tcp ]; then
            ep="tcp://127.0.0.1:*"
        else
            ep="ipc://$WORK/restart-$direction.sock"
        fi
        run_restart "$transport pushpull restart ($label)" \
            "$slib" "$clib" "$ep"
        # PLAIN and CURVE with a ZAP handler in the server process: the
        # right credentials, then refused ones. (A refused PLAIN client
        # learns why from libzmq's form of ERROR, 0x5e "RROR": both sides
        # must report AUTH 400 whichever library the server runs.)
        for scenario in plain plain-wrongpass curve curve-wrongkeys; do
            if [ "$transport" = tcp ]; then
                ep="tcp://127.0.0.1:*"
            else
                ep="ipc://$WORK/$scenario-$direction.sock"
            fi
            run_one "$transport dealerrouter $scenario ($label)" \
                "$slib" "$clib" dealerrouter "$ep" "$scenario"
        done
        # pub-sub through zmq_proxy: the "server" is the proxy (XSUB and
        # XPUB bound), the "client" the XPUB publisher and the two SUBs.
        if [ "$transport" = tcp ]; then
            ep="tcp://127.0.0.1:*"
        else
            ep="ipc://$WORK/proxy-$direction.sock"
        fi
        if [ "$direction" = ours-theirs ]; then
            plabel="proxy=ours pub+subs=theirs"
        else
            plabel="proxy=theirs pub+subs=ours"
        fi
        run_one "$transport proxy xsub-xpub ($plabel)" \
            "$slib" "$clib" proxy "$ep" basic
        # The draft socket types, against a libzmq built with drafts.
        if [ -n "$DRAFT" ]; then
            if [ "$direction" = ours-theirs ]; then
                dslib=$OURS; dclib=$DRAFT
            else
                dslib=$DRAFT; dclib=$OURS
            fi
            for pattern in clientserver gatherscatter channel peer; do
                if [ "$transport" = tcp ]; then
                    ep="tcp://127.0.0.1:*"
                else
                    ep="ipc://$WORK/$pattern-$direction.sock"
                fi
                run_one "$transport $pattern seq ($label, draft libzmq)" \
                    "$dslib" "$dclib" "$pattern" "$ep" seq
            done
            # RADIO/DISH: the RADIO binds over tcp and ipc (JOIN and LEAVE
            # commands, group frames); over udp the DISH binds, unicast
            # and multicast (skipped where multicast does not work).
            if [ "$transport" = tcp ]; then
                ep="tcp://127.0.0.1:*"
            else
                ep="ipc://$WORK/radiodish-$direction.sock"
            fi
            run_one "$transport radiodish groups ($label, draft libzmq)" \
                "$dslib" "$dclib" radiodish "$ep" groups
            if [ "$transport" = tcp ]; then
                run_one "udp dishradio groups ($label, draft libzmq)" \
                    "$dslib" "$dclib" dishradio "udp://127.0.0.1:*" groups
                run_one "udp multicast dishradio groups ($label, draft libzmq)" \
                    "$dslib" "$dclib" dishradio "udp://239.0.0.77:*" groups
            fi
        fi
    done
done

# ws:// (ZWS 2.0) both ways against a libzmq with the ws transport: the
# classic patterns, PLAIN and CURVE with ZAP, pub-sub through a proxy and
# the draft socket types.
if [ -n "$WSLIB" ]; then
    # (Debian's source built with drafts has no CURVE: see draft-libzmq.sh.)
    WSCURVE="curve curve-wrongkeys"
    # wss:// too when that libzmq has it (it needs GnuTLS).
    WSS=
    [ "$(LD_LIBRARY_PATH=$WSLIB "$PEER" has WSS)" = 1 ] && WSS=wss
    [ "$(LD_LIBRARY_PATH=$WSLIB "$PEER" has curve)" = 1 ] || WSCURVE=
    for direction in ours-theirs theirs-ours; do
        if [ "$direction" = ours-theirs ]; then
            slib=$OURS; clib=$WSLIB; label="server=ours client=theirs"
        else
            slib=$WSLIB; clib=$OURS; label="server=theirs client=ours"
        fi
        for scheme in ws $WSS; do
            ep="$scheme://127.0.0.1:*/zmq"
            for pattern in pair pushpull pullpush reqrep dealerrouter; do
                for scenario in basic seq; do
                    run_one "$scheme $pattern $scenario ($label)" \
                        "$slib" "$clib" "$pattern" "$ep" "$scenario"
                done
            done
            run_one "$scheme xpubsub basic ($label)" "$slib" "$clib" xpubsub "$ep" basic
            run_restart "$scheme pushpull restart ($label)" "$slib" "$clib" "$ep"
            for scenario in plain plain-wrongpass $WSCURVE; do
                run_one "$scheme dealerrouter $scenario ($label)" \
                    "$slib" "$clib" dealerrouter "$ep" "$scenario"
            done
            run_one "$scheme proxy xsub-xpub ($label)" "$slib" "$clib" proxy "$ep" basic
            for pattern in clientserver gatherscatter channel peer; do
                run_one "$scheme $pattern seq ($label)" "$slib" "$clib" "$pattern" "$ep" seq
            done
            run_one "$scheme radiodish groups ($label)" "$slib" "$clib" radiodish "$ep" groups
        done
    done
else
    echo "SKIP ws: no libzmq with the ws transport (INTEROP_WS_LIBDIR)"
fi
[ -n "$DRAFT" ] || echo "SKIP draft socket types: no INTEROP_DRAFT_LIBDIR"

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
