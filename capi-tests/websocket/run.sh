#!/usr/bin/env bash
# WebSocket clients that zmqrs did not write, against zmqrs's ws://
# endpoints (issue #22):
#   1. python: the `websockets` package from PyPI (installed into a venv in
#      the cache) runs client.py against server.c's echo ROUTER;
#   2. chromium: Debian's chromium, headless, opens page.html, whose
#      JavaScript subscribes to server.c's XPUB, receives, and sends to its
#      PULL; the server checks what arrives.
# Prints PASS/FAIL per client and "websocket: N passed, N failed" last.
#
# Usage: capi-tests/websocket/run.sh [LIBDIR]   (default target/release)
# Environment: ZMQRS_DRAFT_CACHE (default ~/.cache/zmqrs) for the venv;
# CHROMIUM (default: chromium on the PATH).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIB=$(cd "${1:-$ROOT/target/release}" && pwd) || exit 2
CACHE=${ZMQRS_DRAFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zmqrs}
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
WORK=$(mktemp -d /tmp/zmqrs-websocket.XXXXXX) || exit 2
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; sed 's/^/    /' "$WORK"/*.log 2>/dev/null; }

${CC:-cc} -std=c99 -Wall -Wextra -Werror -I"$ROOT/include" "$HERE/server.c" \
    -o "$WORK/server" -L"$LIB" -lzmq || { echo "server.c does not build"; exit 1; }

# Waits for the server's endpoint file to have $2 lines.
endpoints() {
    local i
    for i in $(seq 100); do
        [ -e "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# 1. python websockets
VENV=$CACHE/venv-websockets
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import websockets' 2>/dev/null; then
    mkdir -p "$CACHE"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q websockets >"$WORK/pip.log" 2>&1
fi
if "$VENV/bin/python" -c 'import websockets' 2>/dev/null; then
    rm -f "$WORK"/*.log
    LD_LIBRARY_PATH=$LIB timeout 60 "$WORK/server" echo "$WORK/echo.ep" >"$WORK/server.log" 2>&1 &
    spid=$!
    if endpoints "$WORK/echo.ep" 1 &&
        timeout 60 "$VENV/bin/python" "$HERE/client.py" "$(head -n 1 "$WORK/echo.ep")" \
            >"$WORK/client.log" 2>&1 && wait $spid; then
        pass "python websockets $("$VENV/bin/python" -c 'import websockets; print(websockets.__version__)') (ZWS2.0 routing ids, multipart, 1 MiB, ping)"
    else
        kill $spid 2>/dev/null
        fail "python websockets"
    fi
else
    fail "python websockets: could not install the package"
fi

# 2. chromium
if [ -n "$CHROMIUM" ]; then
    rm -f "$WORK"/*.log
    LD_LIBRARY_PATH=$LIB timeout 90 "$WORK/server" browser "$WORK/browser.ep" >"$WORK/server.log" 2>&1 &
    spid=$!
    if endpoints "$WORK/browser.ep" 2; then
        pub=$(sed -n 1p "$WORK/browser.ep")
        push=$(sed -n 2p "$WORK/browser.ep")
        timeout 80 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
            --user-data-dir="$WORK/profile" \
            "file://$HERE/page.html?pub=$pub&push=$push" >"$WORK/chromium.log" 2>&1 &
        cpid=$!
        if wait $spid; then
            pass "chromium $("$CHROMIUM" --version 2>/dev/null | awk '{print $2}') page (subscribe, receive, send)"
        else
            fail "chromium page"
        fi
        kill $cpid 2>/dev/null
        wait $cpid 2>/dev/null
    else
        kill $spid 2>/dev/null
        fail "chromium page: the server did not bind"
    fi
else
    fail "chromium page: no chromium (apt-get install chromium)"
fi

echo "websocket: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
