#!/bin/sh
# Builds the test inputs for test_elf and test_cpio into directory $1: small real
# RV64 binaries (static glibc, static-PIE, -nostdlib, dynamic) and newc archives.
# Quiet and idempotent: does nothing when the outputs are newer than this script.
set -eu

out=${1:?usage: gen-elf.sh OUTPUT-DIR}
mkdir -p "$out"
stamp="$out/.gen-elf.stamp"
if [ -f "$stamp" ] && [ "$stamp" -nt "$0" ]; then
    exit 0
fi

CC=${RISCV_LINUX_CC:-riscv64-linux-gnu-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/hello.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF

# No libc: raw write and exit system calls, plus data and TLS so that
# both a writable PT_LOAD and a PT_TLS exist.
cat > "$tmp/bare.c" <<'EOF'
static const char msg[] = "bare\n";
int counter = 3;
__thread int tls_value = 5;
static long bare_syscall(long n, long a, long b, long c)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}
void _start(void)
{
    bare_syscall(64, 1, (long)msg, sizeof msg - 1);
    bare_syscall(93, counter - 3, 0, 0);
    for (;;) {}
}
EOF

$CC -static -O2 "$tmp/hello.c" -o "$out/hello-static"
$CC -O2 "$tmp/hello.c" -o "$out/hello-dynamic"
$CC -nostdlib -static -O2 "$tmp/bare.c" -o "$out/bare-static"
# The driver's -static-pie still asks for a dynamic linker with this toolchain,
# so ask the linker directly for a PIE without PT_INTERP.
$CC -nostdlib -fPIE -pie -Wl,--no-dynamic-linker -O2 "$tmp/bare.c" -o "$out/bare-static-pie"
# A glibc static-PIE needs rcrt1.o and a self-relocating libc.a; Debian's
# cross glibc has neither, so keep it only where it really is static.
rm -f "$out/hello-static-pie"
if $CC -static-pie -O2 "$tmp/hello.c" -o "$tmp/hello-static-pie" 2>/dev/null &&
   ! riscv64-linux-gnu-readelf -lW "$tmp/hello-static-pie" 2>/dev/null | grep -q INTERP; then
    cp "$tmp/hello-static-pie" "$out/hello-static-pie"
fi

# Archive tree: a file, an empty file, a directory with a file, a symlink.
# Fixed modes, owner and times so the tests can check exact header values.
root="$tmp/root"
mkdir -p "$root/sub"
printf 'Hello, initramfs!\n' > "$root/hello.txt"
: > "$root/empty"
printf 'inner\n' > "$root/sub/inner.txt"
ln -s hello.txt "$root/link"
chmod 0644 "$root/hello.txt"
chmod 0600 "$root/empty"
chmod 0640 "$root/sub/inner.txt"
chmod 0755 "$root/sub" "$root"
find "$root" -exec touch -h -d @1000000000 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out/test.cpio"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H crc -R 0:0 --quiet) > "$out/test-crc.cpio"

# A second, different archive for concatenation tests.
root2="$tmp/root2"
mkdir -p "$root2"
printf 'second archive\n' > "$root2/extra.txt"
chmod 0644 "$root2/extra.txt"
(cd "$root2" && echo extra.txt | cpio -o -H newc -R 0:0 --quiet) > "$out/second.cpio"

touch "$stamp"
