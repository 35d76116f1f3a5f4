#!/usr/bin/env bash
# Builds a libzmq with the draft API from Debian's own source package of the
# installed libzmq (apt-get source zeromq3; deb-src is added if missing),
# outside the repository, and prints the directory holding its
# libzmq.so.5. Debian's binary libzmq is built without drafts: it exports
# none of the draft functions and refuses the draft socket types in its
# handshake, so the interop tests of CLIENT/SERVER, RADIO/DISH and the
# others need this one as their peer. Nothing fetched or built here is
# committed.
#
# The result is cached: a second run prints the same directory at once.
# Usage: capi-tests/interop/draft-libzmq.sh   (prints the lib directory)
# Environment: ZMQRS_DRAFT_CACHE (default ~/.cache/zmqrs), where the source
# and the build go.
set -euo pipefail
CACHE=${ZMQRS_DRAFT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zmqrs}
version=$(dpkg-query -W -f='${Version}' libzmq5 2>/dev/null || true)
[ -n "$version" ] || { echo "libzmq5 is not installed" >&2; exit 1; }
DEST=$CACHE/libzmq-draft-$version
if [ -e "$DEST/lib/libzmq.so.5" ]; then
    echo "$DEST/lib"
    exit 0
fi

log() { echo "draft-libzmq: $*" >&2; }
mkdir -p "$CACHE"
SRC=$CACHE/src-$version
if [ ! -d "$SRC" ]; then
    if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding deb-src entries"
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
            >/etc/apt/sources.list.d/zmqrs-deb-src.sources
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq dpkg-dev cmake g++ >/dev/null
    tmp=$(mktemp -d "$CACHE/fetch.XXXXXX")
    log "fetching Debian's zeromq3 source $version"
    (cd "$tmp" && apt-get source -qq "zeromq3=$version" >&2)
    dir=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'zeromq3-*' | head -n 1)
    [ -n "$dir" ] || { log "no source tree"; exit 1; }
    mv "$dir" "$SRC"
    rm -rf "$tmp"
fi

log "building with drafts (a few minutes, once)"
BUILD=$CACHE/build-$version
rm -rf "$BUILD"
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DENABLE_DRAFTS=ON \
    -DBUILD_TESTS=OFF -DBUILD_STATIC=OFF -DWITH_DOCS=OFF -DWITH_LIBSODIUM=OFF \
    -DENABLE_CURVE=OFF -DWITH_PERF_TOOL=OFF -DCMAKE_INSTALL_PREFIX="$DEST" >&2
cmake --build "$BUILD" -j "$(nproc)" >&2
cmake --install "$BUILD" >&2
libdir=$(dirname "$(find "$DEST" -name 'libzmq.so.5' | head -n 1)")
[ -e "$libdir/libzmq.so.5" ] || { log "no libzmq.so.5 built"; exit 1; }
if [ "$libdir" != "$DEST/lib" ]; then
    mkdir -p "$DEST/lib"
    ln -sf "$libdir"/libzmq.so* "$DEST/lib/"
fi
rm -rf "$BUILD"
echo "$DEST/lib"
