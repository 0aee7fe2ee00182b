#!/usr/bin/env python3
"""The kill test: QEMU is SIGKILLed while the guest writes to ext2; fsynced data must survive.

One 64 MiB ext2 image (1 KiB blocks) is used for every round. Each round boots the kernel with
spawn=/tests/fs_crash (user/tests/fs_ext2.c run_crash: new files written, fsynced, renamed into
place, appends to a log, unsynced scratch files), which prints "synced NAME LEN CHECKSUM" after
each durable step. At a random moment after the first such line (seeded; the seed is printed)
QEMU is killed with SIGKILL. Then `e2fsck -fy` must exit 0, 1 or 2 (4 and above: FAIL), and
every file ever reported synced, in this round or an earlier one, must hold at least LEN bytes
whose FNV-1a checksum of the first LEN is CHECKSUM (read back with debugfs).

Prints "PASS crash/N" or "FAIL crash/N: why" per kill and "PASS crash" / "FAIL crash" overall.
Usage: scripts/crash-test.py [--kills N] [--seed S] [--smp N] [--keep]
"""

import argparse
import importlib.util
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import fsimage  # noqa: E402

_spec = importlib.util.spec_from_file_location("qemu_test", os.path.join(HERE, "qemu-test.py"))
qt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qt)

SYNCED_RE = re.compile(r"^synced (\S+) (\d+) ([0-9a-f]{8})$")
WORK = "build/crash"
FIRST_SYNC_TIMEOUT = 60.0


def boot_and_kill(img: str, delay: float, smp: int, log_path: str):
    """Boot with the image, kill QEMU delay seconds after the first synced line.
    Returns (synced lines [(name, len, ck)], error or "")."""
    args = [qt.QEMU] + qt.qemu_base_args() + ["-bios", "default", "-kernel", qt.KERNEL,
                                              "-append", "spawn=/tests/fs_crash",
                                              "-drive", "file=%s,format=raw,if=none,id=d0" % img,
                                              "-device", "virtio-blk-device,drive=d0"]
    if smp:
        i = args.index("-smp")
        args[i + 1] = str(smp)
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    synced, lines = [], []
    first = threading.Event()

    def reader():
        with open(log_path, "w") as log:
            for raw in p.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                lines.append(line)
                log.write(line + "\n")
                m = SYNCED_RE.match(line)
                if m:
                    synced.append((m.group(1), int(m.group(2)), int(m.group(3), 16)))
                    first.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    error = ""
    if not first.wait(FIRST_SYNC_TIMEOUT * float(os.environ.get("QEMU_TEST_TIMEOUT_SCALE", "1"))):
        error = "no 'synced' line within %gs" % FIRST_SYNC_TIMEOUT
    else:
        end = time.monotonic() + delay
        while time.monotonic() < end and p.poll() is None:
            time.sleep(0.02)
        if p.poll() is not None:
            error = "QEMU exited (status %s) before the kill" % p.returncode
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    p.wait()
    t.join(5)
    panics = [ln for ln in lines if "panic:" in ln or "crash: " in ln and "generation" not in ln]
    if panics and not error:
        error = panics[0]
    # A line cut by the kill may be incomplete; only whole lines count (the regex needs all three).
    return synced, error


def check_synced(img: str, durable: dict, tmp: str):
    """Problems with the files reported synced: [] when all are intact."""
    bad = []
    cmds = []
    for i, name in enumerate(sorted(durable)):
        cmds.append("dump /%s %s/%d" % (name, tmp, i))
    fsimage.debugfs(img, *cmds)
    for i, name in enumerate(sorted(durable)):
        length, ck = durable[name]
        path = os.path.join(tmp, str(i))
        if not os.path.exists(path):
            bad.append("%s missing" % name)
            continue
        data = open(path, "rb").read()
        os.unlink(path)
        if len(data) < length:
            bad.append("%s has %d bytes, %d were synced" % (name, len(data), length))
        elif fsimage.fnv(data[:length]) != ck:
            bad.append("%s: the first %d bytes changed" % (name, length))
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description="Kill QEMU while the guest writes ext2; check fsynced data.")
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--smp", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="keep build/crash/disk.img")
    args = ap.parse_args()
    os.chdir(ROOT)
    if not (os.path.isdir("kernel/fs/ext2") and os.path.exists("kernel/dev/virtio_blk.c")):
        print("SKIP crash: ext2 or virtio-blk (kernel/fs/ext2, kernel/dev/virtio_blk.c) not in this tree")
        return 0
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    rng = random.Random(seed)
    print("# crash: seed %d, %d kills (scripts/crash-test.py --seed %d --kills %d repeats it)"
          % (seed, args.kills, seed, args.kills), flush=True)
    for tool in ("mke2fs", "e2fsck", "debugfs", qt.QEMU):
        if shutil.which(tool) is None:
            print("FAIL crash: %s not found (scripts/deps.sh installs e2fsprogs and QEMU)" % tool)
            return 1
    os.makedirs(WORK, exist_ok=True)
    img = fsimage.make_image(os.path.join(WORK, "disk.img"), 64, 1024, True, seed=False)
    durable = {}
    failed = False
    tmp = tempfile.mkdtemp(prefix="crash-")
    try:
        for n in range(1, args.kills + 1):
            delay = rng.uniform(0.2, 4.0)
            synced, error = boot_and_kill(img, delay, args.smp, os.path.join(WORK, "round%d.log" % n))
            why = [error] if error else []
            for name, length, ck in synced:
                durable[name] = (length, ck)
            p = subprocess.run(["e2fsck", "-fy", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            with open(os.path.join(WORK, "round%d.fsck" % n), "wb") as f:     # what the repair fixed
                f.write(p.stdout)
            if p.returncode >= 4:
                tail = p.stdout.decode("utf-8", "replace").strip().splitlines()[-5:]
                why.append("e2fsck -fy exited %d: %s" % (p.returncode, " | ".join(tail)))
            else:
                why += check_synced(img, durable, tmp)[:10]
                left = fsimage.e2fsck_clean(img)
                why += ["after repair: " + s for s in left]
            info = "kill after %.2fs, %d synced this round, %d files checked, e2fsck -fy %d" % (
                delay, len(synced), len(durable), p.returncode)
            if why:
                failed = True
                print("FAIL crash/%d: %s (%s; log %s/round%d.log)" % (n, "; ".join(why), info, WORK, n))
            else:
                print("PASS crash/%d  # %s" % (n, info), flush=True)
    finally:
        shutil.rmtree(tmp)
        if not args.keep and not failed:
            os.unlink(img)
    print("%s crash%s" % ("FAIL" if failed else "PASS", ": seed %d" % seed if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
