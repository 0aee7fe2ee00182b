#!/usr/bin/env python3
"""Mark every PT_LOAD of an ELF64 little-endian executable read+write+execute, in place.

Usage: scripts/mkrwx.py FILE
Used for /tests/rwx (user/tests/rwx.c): static glibc cannot be linked with -N (it needs
__ehdr_start, which omagic output does not map), so the ordinary link is edited instead, the
way binaries with one RWE segment look to the loader.
"""

import struct
import sys

PT_LOAD, PF_RWX = 1, 7


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "r+b") as f:
        b = bytearray(f.read())
        if b[:4] != b"\x7fELF" or b[4] != 2 or b[5] != 1:
            sys.exit("mkrwx: not an ELF64 little-endian file")
        phoff = struct.unpack_from("<Q", b, 32)[0]
        phentsize, phnum = struct.unpack_from("<HH", b, 54)
        for i in range(phnum):
            p = phoff + i * phentsize
            if struct.unpack_from("<I", b, p)[0] == PT_LOAD:
                struct.pack_into("<I", b, p + 4, PF_RWX)
        f.seek(0)
        f.write(b)


if __name__ == "__main__":
    main()
