#!/usr/bin/env python3
"""Pack boot files into a FAT image (mkfs.vfat + mcopy) and, optionally, wrap that image
in a disk with an MBR partition table (one bootable FAT partition at 1 MiB), which is what
U-Boot's distro boot scans. Used by platform/platform.mk and scripts/boot-chains.py.

Usage: platform/mkdisk.py fat OUT.fat FILE... [--label NAME]
       platform/mkdisk.py disk FAT OUT.img
"""

import argparse
import os
import shutil
import struct
import subprocess
import sys

SECTOR = 512
PART_START = 2048          # first sector of the partition: 1 MiB, the usual alignment
PART_TYPE_FAT32_LBA = 0x0C
VOLUME_ID = "52564958"     # fixed volume serial ("RVIX"), so rebuilt images differ only in content


class DiskError(Exception):
    pass


def find_tool(name: str) -> str:
    for cand in (shutil.which(name), "/usr/sbin/" + name, "/sbin/" + name):
        if cand and os.path.exists(cand):
            return cand
    raise DiskError("%s not found (install %s)" % (name, "dosfstools" if "fs" in name else "mtools"))


def run(cmd, env=None) -> None:
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    if r.returncode != 0:
        raise DiskError("%s failed: %s" % (" ".join(cmd), r.stdout.decode(errors="replace").strip()))


def fat_size_kib(files) -> int:
    """Room for the files (cluster slack included) plus a margin; at least 4 MiB."""
    data = sum((os.path.getsize(f) + 4095) // 4096 * 4 for f in files)
    return max(4096, data * 5 // 4 + 1024)


def make_fat(out: str, files, label: str = "RVIX") -> None:
    for f in files:
        if not os.path.isfile(f):
            raise DiskError("no such file: %s" % f)
    if os.path.exists(out):
        os.remove(out)
    run([find_tool("mkfs.vfat"), "-C", "-n", label[:11].upper(), "-i", VOLUME_ID, out,
         str(fat_size_kib(files))])
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    run([find_tool("mcopy"), "-o", "-i", out] + list(files) + ["::/"], env=env)


def make_mbr_disk(fat: str, out: str) -> None:
    size = os.path.getsize(fat)
    if size % SECTOR:
        raise DiskError("%s is not a whole number of sectors" % fat)
    entry = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", PART_TYPE_FAT32_LBA, b"\xfe\xff\xff",
                        PART_START, size // SECTOR)
    mbr = bytearray(SECTOR)
    mbr[440:444] = bytes.fromhex(VOLUME_ID)     # disk signature
    mbr[446:446 + len(entry)] = entry
    mbr[510:512] = b"\x55\xaa"
    tmp = out + ".tmp"
    with open(tmp, "wb") as o, open(fat, "rb") as f:
        o.write(mbr)
        o.write(bytes((PART_START - 1) * SECTOR))
        shutil.copyfileobj(f, o)
    os.replace(tmp, out)


def main() -> int:
    ap = argparse.ArgumentParser(description="Make a FAT boot image, or an MBR disk around one.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    fat = sub.add_parser("fat", help="create a FAT image holding FILEs in its root directory")
    fat.add_argument("out")
    fat.add_argument("files", nargs="+")
    fat.add_argument("--label", default="RVIX", help="volume label (default RVIX)")
    disk = sub.add_parser("disk", help="wrap a FAT image in a disk with one MBR partition")
    disk.add_argument("fat")
    disk.add_argument("out")
    args = ap.parse_args()
    try:
        if args.cmd == "fat":
            make_fat(args.out, args.files, args.label)
        else:
            make_mbr_disk(args.fat, args.out)
    except (DiskError, OSError) as e:
        print("mkdisk: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
