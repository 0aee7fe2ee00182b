#!/usr/bin/env python3
"""Make the disk image `make run` attaches (default build/disk.img), only if it does not exist:
an ext2 file system made by the host's mke2fs from a directory (-d), so /home in the guest
starts with a README. Usage: scripts/mkdiskimg.py [IMAGE] [SIZE_MIB]"""
import os
import shutil
import subprocess
import sys
import tempfile


def main() -> int:
    img = sys.argv[1] if len(sys.argv) > 1 else "build/disk.img"
    size_mib = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    if os.path.exists(img):
        return 0
    mke2fs = shutil.which("mke2fs") or "/usr/sbin/mke2fs"
    if not os.path.exists(mke2fs):
        print("mkdiskimg: mke2fs not found (apt-get install e2fsprogs)", file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(img) or ".", exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "README"), "w") as f:
            f.write("This is /home on build/disk.img: files written here survive poweroff.\n")
        tmp = img + ".tmp"
        r = subprocess.run([mke2fs, "-q", "-F", "-t", "ext2", "-b", "1024", "-d", d, tmp, "%dM" % size_mib],
                           stdout=subprocess.DEVNULL)
        if r.returncode:
            print("mkdiskimg: mke2fs failed", file=sys.stderr)
            return 1
        os.replace(tmp, img)
    print("mkdiskimg: made %s (%d MiB ext2)" % (img, size_mib))
    return 0


if __name__ == "__main__":
    sys.exit(main())
