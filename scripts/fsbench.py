#!/usr/bin/env python3
"""File-system benchmark (make bench, or scripts/bench.py --fs; never in make test).

What is measured, by user/tests/fs_ext2.c run_bench / run_bench_read (the fs_bench name):
  seq-write  a 32 MiB file written in 64 KiB write(2)s, then fsync, then close;
  seq-read   the same file read back in 64 KiB read(2)s, after an unmount and mount (cold
             cache) in the guest; on the host the page cache is warm (no root-free way to drop it);
  create     1000 files of 100 bytes created, written and closed, then sync(2).
In the guest: a 128 MiB ext2 image (4 KiB blocks, mke2fs) on virtio-blk (QEMU raw file, default
cache mode), mounted at /mnt. On the host: the same program built natively, in a temp dir of
the build machine's own file system (it is not the ext2 image: the host cannot mount it without
root and a loop device). Results go to build/bench/fs.md; --append adds them to docs/benchmarks.md.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import fsimage  # noqa: E402

QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
LINE_RE = re.compile(r"^bench: (seq-write|seq-read|create) ([\d.]+) (MB/s|files/s) \((.*)\)$")


def guest(log: str):
    img = fsimage.make_image("build/bench/fs.img", 128, 4096, True, seed=False)
    with open("platform/qemu-virt/qemu.args") as f:
        base = [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    cmd = [QEMU] + base + ["-bios", "default", "-kernel", "build/kernel.bin", "-append", "spawn=/tests/fs_bench",
                           "-drive", "file=%s,format=raw,if=none,id=d0" % img, "-device", "virtio-blk-device,drive=d0"]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=600)
        text = p.stdout.decode("utf-8", "replace").replace("\r", "")
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode("utf-8", "replace")
    with open(log, "w") as f:
        f.write(text)
    problems = fsimage.e2fsck_clean(img)
    os.unlink(img)
    return parse(text), problems


def host():
    prog = "build/bench/fs_bench-host"
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror",
                    "user/tests/fs_ext2.c", "-o", prog + ".bin"], check=True)
    link = os.path.join(os.path.dirname(prog), "fs_bench")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.path.basename(prog) + ".bin", link)
    d = tempfile.mkdtemp(prefix="fsbench-", dir=os.environ.get("FSBENCH_HOST_DIR"))
    try:
        out = subprocess.run([link, d], stdout=subprocess.PIPE).stdout.decode()
    finally:
        shutil.rmtree(d)
    return parse(out)


def parse(text: str) -> dict:
    res = {}
    for ln in text.splitlines():
        m = LINE_RE.match(ln.strip())
        if m:
            res[m.group(1)] = (float(m.group(2)), m.group(3), m.group(4))
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--append", action="store_true", help="append the results to docs/benchmarks.md")
    args = ap.parse_args()
    os.chdir(ROOT)
    os.makedirs("build/bench", exist_ok=True)
    g, problems = guest("build/bench/qemu-fs.log")
    h = host()
    rows = ["| operation | rvix ext2 on virtio-blk (QEMU) | host (native, own fs) |", "|---|---|---|"]
    for op in ("seq-write", "seq-read", "create"):
        fmt = lambda r: "%.1f %s" % (r[0], r[1]) if r else "(no result)"
        rows.append("| %s | %s | %s |" % (op, fmt(g.get(op)), fmt(h.get(op))))
    # df names ext4 as ext4 (stat -f says "ext2/ext3" for the whole family).
    fstype = subprocess.run(["df", "--output=fstype", tempfile.gettempdir()],
                            stdout=subprocess.PIPE).stdout.decode().split()[-1]
    text = "\n".join(["", "### File system (%s)" % time.strftime("%Y-%m-%d"), "",
                      "scripts/fsbench.py (`make bench`): 32 MiB in 64 KiB writes + fsync; the same read "
                      "back (guest: after umount+mount, cold; host: warm page cache); 1000 100-byte files + "
                      "sync. Guest: 128 MiB ext2, 4 KiB blocks, virtio-blk (raw image file, one hart, TCG). "
                      "Host: the same program built natively, in a temp dir on its own %s. "
                      "Reproduce: `make bench` or `python3 scripts/bench.py --fs`." % fstype,
                      ""] + rows + [""] + ["- problem: %s" % p for p in problems]) + "\n"
    print(text)
    with open("build/bench/fs.md", "w") as f:
        f.write(text)
    if args.append:
        with open("docs/benchmarks.md", "a") as f:
            f.write(text)
    return 1 if problems or len(g) < 3 else 0


if __name__ == "__main__":
    sys.exit(main())
