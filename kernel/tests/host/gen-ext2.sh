#!/bin/sh
# Test images for test_ext2: mke2fs -d from a small tree, 1 KiB and 4 KiB blocks, with and
# without sparse_super. Skipped (no images) when the host has no mke2fs.
set -eu
out="$1"
command -v mke2fs >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
command -v mke2fs >/dev/null 2>&1 || exit 0
tree="$out/ext2-tree"
rm -rf "$tree"
mkdir -p "$tree/dir/sub/deeper"
printf 'hello ext2\n' > "$tree/hello.txt"
i=0
while [ $i -lt 3000 ]; do echo "line $i of the big file"; i=$((i + 1)); done > "$tree/dir/big.txt"
ln -s hello.txt "$tree/fastlink"
ln -s "$(printf '%0200d' 0)/target" "$tree/slowlink"
echo deep > "$tree/dir/sub/deeper/leaf"
dd if=/dev/zero of="$tree/sparse" bs=1 count=1 seek=300000 2>/dev/null
for spec in "1k 1024 " "4k 4096 " "1k-nosparse 1024 -O^sparse_super,^resize_inode" "4k-nosparse 4096 -O^sparse_super,^resize_inode"; do
    set -- $spec
    name=$1 bs=$2 opt=${3:-}
    rm -f "$out/ext2-$name.img"
    # shellcheck disable=SC2086
    mke2fs -q -F -t ext2 -b "$bs" $opt -d "$tree" "$out/ext2-$name.img" 20M >/dev/null
done
