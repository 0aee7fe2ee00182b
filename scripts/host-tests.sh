#!/bin/sh
# Build and run the host unit tests (kernel/tests/host/test_*.c) under ASan and UBSan.
# Each test names the kernel sources it links on its first line: // SOURCES: a.c b.c
set -u
out=build/host
data="$out/data"
mkdir -p "$out" "$data"
status=0
for gen in kernel/tests/host/gen-*.sh; do
    [ -f "$gen" ] || continue
    sh "$gen" "$data" || { echo "FAIL host/$(basename "$gen" .sh): could not generate test data"; status=1; }
done
CFLAGS="-std=c11 -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
        -DHOST_TEST -Ikernel -Ikernel/arch/riscv"
for t in kernel/tests/host/test_*.c; do
    name=$(basename "$t" .c)
    srcs=$(sed -n '1s|^// SOURCES:||p' "$t")
    # shellcheck disable=SC2086
    if ! gcc $CFLAGS "$t" $srcs -o "$out/$name" 2> "$out/$name.build.log"; then
        cat "$out/$name.build.log"
        echo "FAIL host/$name: does not build"
        status=1
        continue
    fi
    if ! HOST_TEST_DATA="$data" ASAN_OPTIONS=detect_leaks=1 "$out/$name"; then
        echo "FAIL host/$name: exited with an error"
        status=1
    fi
done
exit $status
