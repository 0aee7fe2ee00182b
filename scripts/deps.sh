#!/bin/sh
# Install the Debian packages the build and the tests need; does nothing when all are present.
# Run as root (or with sudo available). Safe to run any number of times.
set -eu

PKGS="make gcc python3 cpio
gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
libc6-riscv64-cross libgcc-s1-riscv64-cross
qemu-system-misc opensbi device-tree-compiler
u-boot-qemu u-boot-tools gdb-multiarch
dosfstools mtools
e2fsprogs clang"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps: need root to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
