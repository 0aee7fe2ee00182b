#!/bin/sh
# The ext2 fuzzer (kernel/tests/fuzz/fuzz_ext2.c, docs/testing.md "The fuzzer"): build it with
# clang's libFuzzer, ASan and UBSan, make seed images with mke2fs, run it for FUZZ_TIME seconds
# (default 300; make test uses 45). Prints PASS fuzz/ext2 or FAIL fuzz/ext2: why; a crashing input
# is kept as build/fuzz/crash-* (rerun: build/fuzz/fuzz_ext2 build/fuzz/crash-...).
set -u
time=${FUZZ_TIME:-300}
out=build/fuzz
if [ ! -d kernel/fs/ext2 ]; then echo "SKIP fuzz/ext2: kernel/fs/ext2 is not in this tree"; exit 0; fi
command -v clang >/dev/null || { echo "FAIL fuzz/ext2: clang not found (scripts/deps.sh)"; exit 1; }
mkdir -p "$out/corpus"
src=kernel/tests/fuzz/fuzz_ext2.c
srcs=$(sed -n '1s|^// SOURCES:||p' "$src")
# shellcheck disable=SC2086
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -DHOST_TEST -Ikernel -Ikernel/arch/riscv "$src" $srcs -o "$out/fuzz_ext2" 2> "$out/build.log"; then
    cat "$out/build.log"; echo "FAIL fuzz/ext2: does not build"; exit 1
fi
rm -rf "$out/seeds" && python3 scripts/fsimage.py fuzz-seeds "$out/seeds" > /dev/null ||
    { echo "FAIL fuzz/ext2: cannot make seed images (mke2fs)"; exit 1; }
# The seeds must mount and be walked, or the fuzzer would only ever exercise the refusals.
walked=$(FUZZ_VERBOSE=1 "$out/fuzz_ext2" "$out"/seeds/*.img 2>&1 | grep -c 'visited [1-9]')
[ "$walked" -ge 3 ] || { echo "FAIL fuzz/ext2: the seed images do not mount and walk ($walked of 3)"; exit 1; }
rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-*
"$out/fuzz_ext2" -max_total_time="$time" -max_len=524288 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/" "$out/corpus" "$out/seeds" > "$out/fuzz.log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$out/fuzz.log")
if [ $rc -ne 0 ]; then
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$out/fuzz.log"
    echo "FAIL fuzz/ext2: exit $rc, input kept as $(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* 2>/dev/null | head -1) (log $out/fuzz.log)"
    exit 1
fi
echo "PASS fuzz/ext2  # ${runs:-?} inputs in ${time}s"
