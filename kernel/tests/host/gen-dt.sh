#!/bin/sh
# Fill directory $1 with the device trees the host tests read: our test and board DTS files
# compiled with dtc, and the trees QEMU itself builds for virt and sifive_u. Quiet and idempotent.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
mkdir -p "$out"

# Rebuild only when the source is newer, so repeated runs are cheap and leave files alone.
compile() {  # compile SRC NAME
    if [ ! -f "$out/$2" ] || [ "$1" -nt "$out/$2" ]; then
        dtc -q -I dts -O dtb -o "$out/$2.tmp" "$1"
        mv "$out/$2.tmp" "$out/$2"
    fi
}

for src in "$root"/kernel/tests/dts/*.dts; do
    compile "$src" "$(basename "$src" .dts).dtb"
done
compile "$root/platform/hifive-unmatched/board.dts" hifive-unmatched.dtb
compile "$root/platform/visionfive2/board.dts" visionfive2.dtb

# QEMU writes the tree and exits at once; -bios none keeps it from looking for firmware.
# Its trees carry a random rng-seed, so they are dumped only once.
dump() {  # dump NAME MACHINE SMP MEM
    [ -f "$out/$1" ] && return 0
    rm -f "$out/$1.tmp"
    qemu-system-riscv64 -nographic -bios none -machine "$2,dumpdtb=$out/$1.tmp" \
        -smp "$3" -m "$4" >/dev/null 2>&1 || { echo "gen-dt: qemu failed to dump $1" >&2; exit 1; }
    [ -s "$out/$1.tmp" ] || { echo "gen-dt: qemu wrote no $1" >&2; exit 1; }
    mv "$out/$1.tmp" "$out/$1"
}

dump qemu-virt.dtb virt 4 256M
dump qemu-virt-1.dtb virt 1 128M
dump qemu-sifive-u.dtb sifive_u 5 256M
