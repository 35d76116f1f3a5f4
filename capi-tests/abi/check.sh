#!/usr/bin/env bash
# ABI checks against the facts beside this script (libzmq 4.3.5's, see README.md):
#  - zmq.h and zmq_utils.h compile warning-free as C99 and C++11, with and
#    without ZMQ_BUILD_DRAFT_API;
#  - every constant has libzmq's value, and draft ones exist only with
#    ZMQ_BUILD_DRAFT_API;
#  - struct sizes, alignments and field offsets;
#  - the exported functions of libzmq.so.5, libzmqrs.so and libzmqrs.a.
# Prints PASS/FAIL per check and "abi: N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
ABI=${ZMQRS_ABI_DIR:-$ROOT/capi-tests/abi}
LIB=$ROOT/target/release
OUT=$ROOT/target/capi-tests/abi
mkdir -p "$OUT"
CC=${CC:-cc}
CXX=${CXX:-c++}
WARN="-Wall -Wextra -pedantic -Werror"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS abi: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL abi: $1"; }

[ -d "$ABI" ] || { fail "no ABI facts at $ABI"; echo "abi: $passed passed, $failed failed"; exit 1; }

# 1. The headers compile cleanly in every language mode we promise.
printf '#include <zmq.h>\n#include <zmq_utils.h>\nint main (void) { return zmq_errno () * 0; }\n' >"$OUT/hdr.c"
cp "$OUT/hdr.c" "$OUT/hdr.cpp"
for draft in "" "-DZMQ_BUILD_DRAFT_API"; do
    label=${draft:+ with drafts}
    if $CC -std=c99 $WARN $draft -I"$ROOT/include" -c "$OUT/hdr.c" -o "$OUT/hdr.o" 2>"$OUT/hdr.log"; then
        pass "zmq.h as C99$label"
    else cat "$OUT/hdr.log"; fail "zmq.h as C99$label"; fi
    if $CXX -std=c++11 $WARN $draft -I"$ROOT/include" -c "$OUT/hdr.cpp" -o "$OUT/hdr.o" 2>"$OUT/hdr.log"; then
        pass "zmq.h as C++11$label"
    else cat "$OUT/hdr.log"; fail "zmq.h as C++11$label"; fi
done

# 2. Constants. A generated program prints each constant that differs.
gen_constants() { # tsv -> C statements comparing each constant
    awk -F'\t' 'NF >= 2 {
        if ($2 ~ /^"/) printf "    if (strcmp (%s, %s) != 0) { printf (\"%s\\n\"); bad++; }\n", $1, $2, $1;
        else printf "    if ((long long) (%s) != %sLL) { printf (\"%s = %%lld, want %s\\n\", (long long) (%s)); bad++; }\n", $1, $2, $1, $2, $1;
    }' "$1"
}
{
    echo '#include <zmq.h>'
    echo '#include <stdio.h>'
    echo '#include <string.h>'
    echo 'int main (void) {'
    echo '    int bad = 0;'
    gen_constants "$ABI/constants-stable.tsv"
    echo '#ifdef ZMQ_BUILD_DRAFT_API'
    gen_constants "$ABI/constants-draft.tsv"
    echo '#endif'
    echo '    if (ZMQ_MAKE_VERSION (4, 3, 5) != 40305 || ZMQ_VERSION != 40305) { printf ("ZMQ_VERSION\n"); bad++; }'
    echo '    return bad != 0;'
    echo '}'
} >"$OUT/constants.c"
for draft in "" "-DZMQ_BUILD_DRAFT_API"; do
    label="constants${draft:+ (stable + draft)}"
    if $CC -std=c99 -I"$ROOT/include" $draft "$OUT/constants.c" -o "$OUT/constants" 2>"$OUT/c.log" \
        && "$OUT/constants"; then
        pass "$label have libzmq's values"
    else cat "$OUT/c.log"; fail "$label"; fi
done
{
    echo '#include <zmq.h>'
    awk -F'\t' 'NF >= 2 { printf "#ifdef %s\n#error %s is draft API but defined without ZMQ_BUILD_DRAFT_API\n#endif\n", $1, $1 }' \
        "$ABI/constants-draft.tsv"
    echo 'int main (void) { return 0; }'
} >"$OUT/nodraft.c"
if $CC -std=c99 -I"$ROOT/include" "$OUT/nodraft.c" -o "$OUT/nodraft" 2>"$OUT/nd.log"; then
    pass "draft constants are hidden without ZMQ_BUILD_DRAFT_API"
else cat "$OUT/nd.log"; fail "draft constants leak into the stable API"; fi

# 3. Layouts: "type size=N align=N field@off ...".
{
    echo '#include <zmq.h>'
    echo '#include <stdio.h>'
    echo '#include <stddef.h>'
    echo 'int main (void) {'
    echo '    int bad = 0;'
    awk -F'[ \t]+' '{
        t = $1;
        printf "    { struct probe_%s { char c; %s v; };\n", t, t;
        for (i = 2; i <= NF; i++) {
            if ($i ~ /^size=/) { n = substr ($i, 6);
                printf "      if (sizeof (%s) != %s) { printf (\"sizeof %s = %%zu\\n\", sizeof (%s)); bad++; }\n", t, n, t, t; }
            else if ($i ~ /^align=/) { n = substr ($i, 7);
                printf "      if (offsetof (struct probe_%s, v) != %s) { printf (\"align %s\\n\"); bad++; }\n", t, n, t; }
            else if ($i ~ /@/) { split ($i, f, "@");
                printf "      if (offsetof (%s, %s) != %s) { printf (\"offset %s.%s\\n\"); bad++; }\n", t, f[1], f[2], t, f[1]; }
        }
        printf "    }\n";
    }' "$ABI/layouts.tsv"
    echo '    return bad != 0;'
    echo '}'
} >"$OUT/layouts.c"
if $CC -std=c99 -DZMQ_BUILD_DRAFT_API -I"$ROOT/include" "$OUT/layouts.c" -o "$OUT/layouts" 2>"$OUT/l.log" \
    && "$OUT/layouts"; then
    pass "struct layouts match libzmq's"
else cat "$OUT/l.log"; fail "struct layouts"; fi

# 4. Exported symbols.
sort -u "$ABI/functions-stable.txt" "$ABI/functions-draft.txt" | grep . >"$OUT/want.txt"
# readelf rather than nm: nm trips over the LLVM bitcode in Rust archives.
exports() { # the dynamic symbols of a shared library, every symbol of an archive
    local which=--dyn-syms
    case $1 in *.a) which=--syms ;; esac
    readelf -W $which "$1" 2>/dev/null \
    | awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" && $7 != "UNDEF" { sub (/@.*/, "", $8); print $8 }' \
    | grep '^zmq_' | sort -u; }
check_exports() { # label file exact|api
    local label=$1 file=$2 exact=$3
    exports "$file" >"$OUT/got.txt"
    missing=$(comm -23 "$OUT/want.txt" "$OUT/got.txt" | tr '\n' ' ')
    extra=$(comm -13 "$OUT/want.txt" "$OUT/got.txt" | tr '\n' ' ')
    if [ "$exact" = exact ]; then
        # The drop-in exports the API and nothing else.
        others=$(readelf -W --dyn-syms "$file" | awk '$5 == "GLOBAL" && $7 != "UND" && $4 != "FILE" { print $8 }' \
            | grep -v '^zmq_' | tr '\n' ' ')
    else others=""; fi
    if [ -z "$missing" ] && [ -z "$extra" ] && [ -z "$others" ]; then
        pass "$label exports the $(wc -l <"$OUT/want.txt") API functions"
    else
        fail "$label exports: missing [$missing] extra [$extra] non-API [$others]"
    fi
}
check_exports "libzmq.so.5" "$LIB/libzmq.so.5" exact
check_exports "libzmqrs.so" "$LIB/libzmqrs.so" api
check_exports "libzmqrs.a" "$LIB/libzmqrs.a" api
soname=$(readelf -d "$LIB/libzmq.so.5" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" = libzmq.so.5 ]; then pass "libzmq.so.5 has SONAME libzmq.so.5"
else fail "libzmq.so.5 SONAME is '$soname'"; fi

echo "abi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
