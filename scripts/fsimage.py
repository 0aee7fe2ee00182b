#!/usr/bin/env python3
"""ext2 images for the file-system cases: made with the host's mke2fs, checked after QEMU exits.

Shared by scripts/qemu-test.py (the `# -- fs --` cases), scripts/crash-test.py and
scripts/bench.py (docs/testing.md, "File-system suite"):
  make_seed(dir)        the seed tree mke2fs -d copies in (user/tests/fs_ext2.c test_seed reads it)
  make_image(path, ...) mke2fs -q -F -t ext2 with a block size, sparse_super on or off, a seed
  e2fsck_clean(img)     e2fsck -fn: a list of complaints ([] when the image is clean)
  check_written(img)    debugfs reads back what fs_ext2 wrote and compares it with the pattern
  pattern(seed, off, n) the bytes of fs_pat() in fs_ext2.c

Command line:  scripts/fsimage.py fuzz-seeds DIR  writes the fuzzer's seed images;
               scripts/fsimage.py check IMG  e2fsck -fn plus check_written on an image;
               scripts/fsimage.py host-run PROG  runs a host build of fs_ext2 in a temp dir
(with the seed tree) and prints its ok/not ok lines: the same program passes on Linux.
"""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from typing import List

M32 = 0xFFFFFFFF
MIB = 1 << 20
GIB = 1 << 30


def _word(seed: int, w: int) -> int:
    off = w << 2
    v = ((seed * 0x9E3779B1) ^ ((off >> 2) & M32) * 0x85EBCA6B ^ ((off >> 34) & M32) * 0xC2B2AE35) & M32
    v ^= v >> 15
    v = (v * 0x2C1B3C6D) & M32
    v ^= v >> 12
    v = (v * 0x297A2D39) & M32
    v ^= v >> 15
    return v


def pattern(seed: int, off: int, n: int) -> bytes:
    """n bytes of the seeded pattern starting at file offset off (fs_pat in fs_ext2.c)."""
    if n <= 0:
        return b""
    first, last = off >> 2, (off + n - 1) >> 2
    words = struct.pack("<%dI" % (last - first + 1), *(_word(seed, w) for w in range(first, last + 1)))
    start = off & 3
    return words[start:start + n]


def fnv(data: bytes, h: int = 2166136261) -> int:
    for b in data:
        h = ((h ^ b) * 16777619) & M32
    return h


def make_seed(d: str) -> None:
    """The tree fs_ext2's test_seed expects."""
    os.makedirs(os.path.join(d, "sub", "deep"), exist_ok=True)
    for rel, seed, size in (("small", 1, 1000), ("big", 2, 300000), ("sub/deep/file", 3, 5000)):
        with open(os.path.join(d, rel), "wb") as f:
            f.write(pattern(seed, 0, size))
    open(os.path.join(d, "empty"), "wb").close()
    link = os.path.join(d, "link")
    if not os.path.lexists(link):
        os.symlink("sub/deep/file", link)


def make_image(path: str, size_mib: int, block: int = 1024, sparse: bool = True, seed: bool = True,
               inodes: int = 0) -> str:
    """A fresh ext2 image at path; with seed, /seed holds make_seed's tree. Returns path."""
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(size_mib * MIB)
    args = ["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(block)]
    if not sparse:
        args += ["-O", "^sparse_super,^resize_inode"]   # resize_inode needs sparse_super
    if inodes:
        args += ["-N", str(inodes)]
    tmp = None
    if seed:
        tmp = tempfile.mkdtemp(prefix="fsseed-")
        make_seed(os.path.join(tmp, "seed"))
        args += ["-d", tmp]
    try:
        subprocess.run(args + [path], check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    finally:
        if tmp:
            shutil.rmtree(tmp)
    return path


def make_fuzz_seeds(d: str) -> List[str]:
    """Small images for the fuzzer (kernel/tests/fuzz/fuzz_ext2.c): 1 KiB blocks with and without
    sparse_super, 4 KiB blocks; a directory chain, a file past the direct blocks, fast and slow
    symlinks."""
    os.makedirs(d, exist_ok=True)
    tree = tempfile.mkdtemp(prefix="fuzzseed-")
    try:
        os.makedirs(os.path.join(tree, "a", "b"))
        with open(os.path.join(tree, "a", "b", "f"), "wb") as f:
            f.write(pattern(1, 0, 3000))
        with open(os.path.join(tree, "big"), "wb") as f:
            f.write(pattern(2, 0, 70000))
        os.symlink("a/b/f", os.path.join(tree, "l"))
        os.symlink("x" * 100, os.path.join(tree, "slow"))
        out = []
        for name, kib, bs, opts in (("1k", 256, 1024, []), ("1k-nosparse", 256, 1024, ["-O", "^sparse_super,^resize_inode"]),
                                    ("4k", 512, 4096, [])):
            p = os.path.join(d, name + ".img")
            with open(p, "wb") as f:
                f.truncate(kib * 1024)
            subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(bs), "-N", "32"] + opts + ["-d", tree, p],
                           check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out.append(p)
        return out
    finally:
        shutil.rmtree(tree)


def e2fsck_clean(img: str) -> List[str]:
    """e2fsck -fn: [] if it exits 0 with nothing to say beyond its summary, else the complaints."""
    p = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    text = p.stdout.decode("utf-8", "replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    summary = re.compile(r"^(e2fsck \d|Pass \d|.*: \d+/\d+ files .* blocks$)")
    noise = [ln for ln in lines if not summary.match(ln)]
    if p.returncode != 0 or noise:
        return ["e2fsck -fn %s exited %d: %s" % (os.path.basename(img), p.returncode,
                                                 " | ".join(noise[:12]) or "(no message)")]
    return []


def debugfs(img: str, *cmds: str) -> str:
    """Run debugfs commands (read-only) and return their output."""
    args = ["debugfs"]
    for c in cmds:
        args += ["-R", c] if len(cmds) == 1 else []
    if len(cmds) != 1:
        with tempfile.NamedTemporaryFile("w", delete=False, suffix=".cmds") as f:
            f.write("\n".join(cmds) + "\n")
        args += ["-f", f.name]
    try:
        p = subprocess.run(args + [img], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        if len(cmds) != 1:
            os.unlink(f.name)
    return p.stdout.decode("utf-8", "replace")


def dump_tree(img: str, path: str, dest: str) -> str:
    """rdump an image directory to dest (a host dir); returns the dumped directory's path."""
    os.makedirs(dest, exist_ok=True)
    debugfs(img, "rdump %s %s" % (path, dest))
    return os.path.join(dest, os.path.basename(path.rstrip("/")))


def inode_stat(img: str, path: str) -> dict:
    """Mode, uid, gid, size, mtime and blocks of path as debugfs reports them ({} if missing)."""
    out = debugfs(img, "stat " + path)
    info = {}
    m = re.search(r"Mode:\s+(\d+)", out)
    if not m:
        return {}
    info["mode"] = int(m.group(1), 8)
    for key, rx in (("uid", r"User:\s+(\d+)"), ("gid", r"Group:\s+(\d+)"), ("size", r"Size:\s+(\d+)"),
                    ("blocks", r"Blockcount:\s+(\d+)"), ("links", r"Links:\s+(\d+)")):
        m = re.search(rx, out)
        if m:
            info[key] = int(m.group(1))
    m = re.search(r"mtime:\s+0x([0-9a-f]+)", out)
    if m:
        info["mtime"] = int(m.group(1), 16)
    m = re.search(r"Type:\s+(\w+)", out)
    info["type"] = m.group(1) if m else ""
    return info


# What fs_ext2.c leaves in t/ (keep in step with sizes[], large_off[] and the tests).
SIZES = [0, 1, 1023, 1024, 1025, 4096, 12 * 1024 + 1, 49153, 300000, 1100000]
LARGE_PIECES = [64 * MIB + 123, 4 * GIB + 3 * 4096 + 7, 5 * GIB + 100]
LARGE_LEN = 8192
DEEP = "/t/deep/" + "/".join("d%d" % i for i in range(40)) + "/leaf"


def block_size(img: str) -> int:
    m = re.search(r"Block size:\s+(\d+)", debugfs(img, "stats"))
    return int(m.group(1)) if m else 1024


def read_file_piece(img: str, path: str, off: int, n: int, bs: int) -> bytes:
    """n bytes at off of an image file, block by block through debugfs bmap (0s for holes)."""
    data = bytearray()
    with open(img, "rb") as f:
        pos = off
        while pos < off + n:
            lblk = pos // bs
            out = debugfs(img, "bmap %s %d" % (path, lblk)).strip().split()
            phys = int(out[-1]) if out and out[-1].isdigit() else 0
            take = min(off + n - pos, bs - pos % bs)
            if phys:
                f.seek(phys * bs + pos % bs)
                data += f.read(take)
            else:
                data += bytes(take)
            pos += take
    return bytes(data)


def check_written(img: str) -> List[str]:
    """Compare the files fs_ext2 left in the image with what it wrote."""
    bad = []
    tmp = tempfile.mkdtemp(prefix="fscheck-")
    try:
        t = dump_tree(img, "/t/w", tmp)
        for size in SIZES:
            p = os.path.join(t, "f_%d" % size)
            got = open(p, "rb").read() if os.path.exists(p) else None
            if got != pattern(size, 0, size):
                bad.append("t/w/f_%d: %s" % (size, "missing" if got is None else
                                               "%d bytes, content differs" % len(got)))
        want = bytearray(pattern(7, 0, 3000))
        want[1500:2000] = b"\xab" * 500
        p = os.path.join(t, "append")
        if not os.path.exists(p) or open(p, "rb").read() != bytes(want):
            bad.append("t/w/append differs")
        for path, seed, size in (("/t/tr/f", 53, 4500), ("/t/tr/big", 52, 5000), ("/t/r/b", 11, 2000),
                                 (DEEP, 81, 777), ("/t/l/b", 31, 3000), ("/t/s/target", 41, 500)):
            out = os.path.join(tmp, "one")
            debugfs(img, "dump %s %s" % (path, out))
            got = open(out, "rb").read() if os.path.exists(out) else None
            if got != pattern(seed, 0, size):
                bad.append("%s: %s" % (path, "missing" if got is None else "content differs"))
            if os.path.exists(out):
                os.unlink(out)
        meta = inode_stat(img, "/t/meta")
        if (meta.get("mode", 0) & 0o7777, meta.get("uid"), meta.get("gid"), meta.get("mtime")) != \
                (0o640, 1234, 5678, 1234567890):
            bad.append("t/meta inode: %s (want mode 0640 uid 1234 gid 5678 mtime 1234567890)" % meta)
        link = debugfs(img, "stat /t/s/slow")
        if "Type: symlink" not in link or "Size: 200" not in link:
            bad.append("t/s/slow is not a 200-byte symlink")
        # Inode 0 marks a deleted entry (the first of a block cannot merge into a previous one).
        names = re.findall(r"^/[1-9]\d*/\d+/\d+/\d+/(file-with-a-longish-name-\d+)/", debugfs(img, "ls -p /t/m"), re.M)
        want = {"file-with-a-longish-name-%03d" % i for i in range(1, 300, 2)}
        if len(names) != 150 or set(names) != want:
            dup = sorted({x for x in names if names.count(x) > 1})
            bad.append("t/m holds %d names (%d distinct; duplicates %s; missing %s; extra %s), expected the 150 odd ones"
                       % (len(names), len(set(names)), dup[:3], sorted(want - set(names))[:3],
                          sorted(set(names) - want)[:3]))
        large = inode_stat(img, "/t/large")
        if large.get("size") != LARGE_PIECES[-1] + LARGE_LEN:
            bad.append("t/large size %s" % large.get("size"))
        else:
            bs = block_size(img)
            for off in LARGE_PIECES:
                if read_file_piece(img, "/t/large", off, LARGE_LEN, bs) != pattern(71, off, LARGE_LEN):
                    bad.append("t/large at %d differs" % off)
    finally:
        shutil.rmtree(tmp)
    return bad


def host_run(prog: str) -> int:
    """Run a host build of fs_ext2 in a temp dir with the seed tree; its exit status."""
    d = tempfile.mkdtemp(prefix="fs_ext2-")
    try:
        make_seed(os.path.join(d, "seed"))
        return subprocess.run([prog, d]).returncode
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "host-run":
        sys.exit(host_run(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "fuzz-seeds":
        print("\n".join(make_fuzz_seeds(sys.argv[2])))
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        problems = e2fsck_clean(sys.argv[2]) + check_written(sys.argv[2])
        print("\n".join(problems) or "clean")
        sys.exit(1 if problems else 0)
    print(__doc__)
    sys.exit(2)
