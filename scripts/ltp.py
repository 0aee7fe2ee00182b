#!/usr/bin/env python3
"""Run Linux Test Project system-call tests in the guest (`make ltp`, docs/testing.md).

LTP is not part of this tree: build it yourself (static, riscv64; docs/testing.md says how)
and pass its install prefix or its build tree with --ltp-dir (or LTP_DIR). This script

  1. reads LTP's runtest/syscalls ("NAME PROGRAM [ARGS]" lines) and finds the programs
     (PREFIX/testcases/bin, or every riscv64 ELF under testcases/kernel/syscalls);
  2. splits the tests into batches whose stripped programs fit in --batch-mb;
  3. for each batch writes one newc archive: build/initramfs.cpio's entries plus /ltp/ltprun
     (user/ltp/ltprun.c), /ltp/bin/<programs>, /ltp/list and /ltp/timeout (and /etc/passwd,
     /etc/group with root, bin, daemon and nobody if the base has none), and boots
     build/kernel.bin with it as QEMU's -initrd and spawn=/ltp/ltprun;
  4. reads ltprun's "@@ltp" lines and classifies each test by LTP's exit code:
     0 pass, 32 skip (TCONF), bit 2 broken (TBROK), bit 1 fail (TFAIL), bit 4 warn (TWARN);
     or crash (killed by a signal), timeout (ltprun's limit), noexec (execve failed),
     kernel (the boot ended or hung while it ran), missing (the program was not built).

If the kernel dies or hangs in the middle of a batch, the test that was running is marked
"kernel" and the batch goes on in a new boot after it.

Output: a pass/fail/skip table on stdout; build/ltp/results.txt (one line a test: name,
result, seconds, first TBROK/TFAIL/TCONF message, system calls that returned ENOSYS);
build/ltp/out/<name>.txt (each test's console output); build/ltp/logs/ (whole boots).

--regress FILE runs only the tests named in FILE (user/ltp/regress.txt) and prints
"PASS ltp/<name>" or "FAIL ltp/<name>: result" per test, as scripts/test-all.sh counts them
(its files go to build/ltp-regress instead of build/ltp);
without an LTP tree it prints one "SKIP ltp: ..." line and succeeds.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
KERNEL = "build/kernel.bin"
BASE_CPIO = "build/initramfs.cpio"
LTPRUN = "build/user/ltp/ltprun"
ARGS_FILE = "platform/qemu-virt/qemu.args"
OUT = "build/ltp"
STRIP = "riscv64-linux-gnu-strip"
UNISTD_H = "/usr/riscv64-linux-gnu/include/asm-generic/unistd.h"
EM_RISCV = 243
OUTPUT_LINES = 400      # lines of a test's output kept in build/ltp/out/<name>.txt
RESULTS = ("pass", "fail", "broken", "skip", "warn", "crash", "timeout", "noexec", "kernel",
           "missing")
HOW_TO = ("build LTP for riscv64 (static) as docs/testing.md describes, then "
          "make ltp LTP_DIR=/path/to/ltp (an install prefix or the build tree)")

PASSWD = ("root:x:0:0:root:/:/bin/sh\ndaemon:x:1:1:daemon:/:/bin/sh\nbin:x:2:2:bin:/:/bin/sh\n"
          "nobody:x:65534:65534:nobody:/:/bin/sh\n")
GROUP = ("root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nusers:x:100:\nnogroup:x:65534:\n"
         "nobody:x:65534:\n")

START_RE = re.compile(r"^@@ltp start (\S+)")
END_RE = re.compile(r"^@@ltp end (\S+) (\S+)(?: errno=\d+)? secs=([\d.]+)(?: enosys=(\S+))?")
REASON_RE = re.compile(r"\b(TBROK|TFAIL|TCONF|TWARN)\b")


# ---------------------------------------------------------------- finding the tests

def is_riscv_elf(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            h = f.read(20)
    except OSError:
        return False
    return len(h) == 20 and h[:4] == b"\x7fELF" and int.from_bytes(h[18:20], "little") == EM_RISCV


def find_programs(ltp_dir: str) -> Dict[str, str]:
    """Program name -> path, from an install prefix or a build tree."""
    progs = {}
    bindir = os.path.join(ltp_dir, "testcases", "bin")
    if os.path.isdir(bindir):
        for n in sorted(os.listdir(bindir)):
            p = os.path.join(bindir, n)
            if os.path.isfile(p) and is_riscv_elf(p):
                progs[n] = p
        return progs
    top = os.path.join(ltp_dir, "testcases", "kernel", "syscalls")
    for d, _, files in sorted(os.walk(top)):
        for n in sorted(files):
            p = os.path.join(d, n)
            if os.access(p, os.X_OK) and is_riscv_elf(p):
                progs.setdefault(n, p)
    return progs


def read_runtest(path: str) -> List[Tuple[str, List[str]]]:
    tests = []
    with open(path) as f:
        for line in f:
            words = line.split()
            if len(words) >= 2 and not words[0].startswith("#"):
                tests.append((words[0], words[1:]))
    return tests


def syscall_names() -> Dict[int, str]:
    names = {}
    try:
        with open(UNISTD_H) as f:
            for m in re.finditer(r"^#define __NR(?:3264)?_(\w+)\s+(\d+)\s*$", f.read(), re.M):
                names.setdefault(int(m.group(2)), m.group(1))
    except OSError:
        pass
    names.update({258: "riscv_hwprobe", 259: "riscv_flush_icache"})
    return names


# ---------------------------------------------------------------- the archive

def cpio_entries(path: str) -> List[Tuple[str, int, bytes]]:
    """(name, mode, data) of every entry of a newc archive, without the trailer."""
    with open(path, "rb") as f:
        blob = f.read()
    out, off = [], 0
    while off + 110 <= len(blob):
        h = blob[off:off + 110]
        if h[:6] not in (b"070701", b"070702"):
            raise ValueError("%s: bad cpio header at %d" % (path, off))
        field = lambda i: int(h[6 + 8 * i:14 + 8 * i], 16)
        mode, fsize, nsize = field(1), field(6), field(11)
        name = blob[off + 110:off + 110 + nsize - 1].decode()
        off = (off + 110 + nsize + 3) & ~3
        data = blob[off:off + fsize]
        off = (off + fsize + 3) & ~3
        if name == "TRAILER!!!":
            break
        out.append((name, mode, data))
    return out


def cpio_write(path: str, entries: List[Tuple[str, int, bytes]]) -> None:
    with open(path + ".tmp", "wb") as f:
        def put(ino: int, name: str, mode: int, data: bytes) -> None:
            nb = name.encode() + b"\0"
            hdr = "070701" + "".join("%08x" % v for v in (
                ino, mode, 0, 0, 2 if mode & 0o040000 else 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
            f.write(hdr.encode() + nb)
            f.write(b"\0" * (-(110 + len(nb)) % 4))
            f.write(data)
            f.write(b"\0" * (-len(data) % 4))
        for i, (name, mode, data) in enumerate(entries, 1):
            put(i, name, mode, data)
        put(0, "TRAILER!!!", 0, b"")
    os.replace(path + ".tmp", path)


def stripped(src: str) -> str:
    """A stripped copy of an LTP program, cached under build/ltp/bin."""
    dst = os.path.join("build/ltp/bin", os.path.basename(src))    # shared by both modes
    if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if subprocess.call([STRIP, "-o", dst, src], stderr=subprocess.DEVNULL) != 0:
            shutil.copyfile(src, dst)
    return dst


def make_archive(path: str, base: List[Tuple[str, int, bytes]], tests: List[Tuple[str, List[str]]],
                 progs: Dict[str, str], helpers: List[str], timeout: float) -> None:
    entries = [e for e in base if not (e[0] == "ltp" or e[0].startswith("ltp/"))]
    # LTP looks up "root", "nobody", "bin" and "daemon" (getpwnam, getgrnam): give the archive
    # the accounts a Linux system has, unless it brings its own.
    have = {e[0] for e in entries}
    for name, text in (("etc/passwd", PASSWD), ("etc/group", GROUP)):
        if name not in have:
            entries.append((name, 0o100644, text.encode()))
    entries.append(("ltp", 0o040755, b""))
    entries.append(("ltp/bin", 0o040755, b""))
    with open(LTPRUN, "rb") as f:
        entries.append(("ltp/ltprun", 0o100755, f.read()))
    entries.append(("ltp/timeout", 0o100644, b"%d\n" % int(timeout)))
    entries.append(("ltp/list", 0o100644, "".join(
        "%s %s\n" % (n, " ".join(cmd)) for n, cmd in tests).encode()))
    names = sorted({cmd[0] for _, cmd in tests} | set(helpers))
    for n in names:
        with open(stripped(progs[n]), "rb") as f:
            entries.append(("ltp/bin/" + n, 0o100755, f.read()))
    cpio_write(path, entries)


# ---------------------------------------------------------------- booting

def qemu_args(mem: str, smp: int) -> List[str]:
    args = []
    with open(ARGS_FILE) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                args.append(line)
    for opt, val in (("-m", mem), ("-smp", str(smp))):
        if opt in args:
            args[args.index(opt) + 1] = val
        else:
            args += [opt, val]
    return args


def boot(archive: str, log_path: str, mem: str, smp: int, quiet_limit: float,
         on_line) -> str:
    """Boots once; returns why it ended: 'done', 'exited', 'hung' or 'panic'."""
    cmd = [QEMU] + qemu_args(mem, smp) + ["-bios", "default", "-kernel", KERNEL,
                                          "-initrd", archive, "-append", "spawn=/ltp/ltprun"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    state = {"last": time.monotonic(), "end": None}

    def reader() -> None:
        pending = b""
        with open(log_path, "w", encoding="utf-8") as log:
            for chunk in iter(lambda: os.read(p.stdout.fileno(), 65536), b""):
                state["last"] = time.monotonic()
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    line = raw.decode("utf-8", "replace").replace("\r", "")
                    log.write(line + "\n")
                    on_line(line)
                    if line.startswith("@@ltp done") or "no processes left, powering off" in line:
                        state["end"] = state["end"] or "done"
                    elif line.startswith("panic:"):
                        state["end"] = "panic"
            if pending:
                on_line(pending.decode("utf-8", "replace"))

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    why = "exited"
    while p.poll() is None:
        if state["end"] == "panic":
            time.sleep(2)       # let the report finish
            why = "panic"
            break
        if state["end"] == "done":
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass
            why = "done"
            break
        if time.monotonic() - state["last"] > quiet_limit:
            why = "hung"
            break
        time.sleep(0.2)
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    p.wait()
    t.join(5)
    return state["end"] or why


# ---------------------------------------------------------------- results

def classify(verdict: str) -> str:
    if verdict.startswith("exit="):
        code = int(verdict[5:])
        if code == 0:
            return "pass"
        if code & 2:
            return "broken"
        if code & 1:
            return "fail"
        if code == 32:
            return "skip"
        if code & 4:
            return "warn"
        return "fail"
    if verdict.startswith("signal="):
        return "crash"
    if verdict in ("timeout", "noexec"):
        return verdict
    return "broken"


class Result:
    def __init__(self, name: str, result: str, verdict: str = "", secs: float = 0.0,
                 enosys: str = "", output: Optional[List[str]] = None):
        self.name, self.result, self.verdict, self.secs = name, result, verdict, secs
        self.enosys = [] if enosys in ("", "-") else [int(x.split(":")[0]) for x in enosys.split(",")]
        self.output = output or []

    def reason(self) -> str:
        """The first TBROK line, else TFAIL, else TCONF, else TWARN (without the file:line)."""
        for kind in ("TBROK", "TFAIL", "TCONF", "TWARN"):
            for ln in self.output:
                if re.search(r"\b%s\b" % kind, ln):
                    ln = re.sub(r"^\S+\.c:\d+:\s*", "", ln.strip())
                    return ln[:160]
        return ""


def run_batch(idx: int, tests, progs, helpers, base, args, names) -> List[Result]:
    """Runs one batch, rebooting after the test that was running when a boot died."""
    results: List[Result] = []
    todo = list(tests)
    attempt = 0
    while todo:
        attempt += 1
        tag = "batch%03d" % idx + ("" if attempt == 1 else "-%d" % attempt)
        archive = os.path.join(OUT, "initrd", tag + ".cpio")
        os.makedirs(os.path.dirname(archive), exist_ok=True)
        make_archive(archive, base, todo, progs, helpers, args.timeout)
        cur = {"name": None, "out": []}
        got: Dict[str, Result] = {}

        def on_line(line: str) -> None:
            m = START_RE.match(line)
            if m:
                cur["name"], cur["out"] = m.group(1), []
                return
            m = END_RE.match(line)
            if m:
                name = m.group(1)
                got[name] = Result(name, classify(m.group(2)), m.group(2), float(m.group(3)),
                                   m.group(4) or "", cur["out"])
                cur["name"] = None
                return
            if cur["name"] is not None:
                if len(cur["out"]) < OUTPUT_LINES:
                    cur["out"].append(line)
                elif len(cur["out"]) == OUTPUT_LINES:
                    cur["out"].append("... (more in %s.log)" % tag)

        why = boot(archive, os.path.join(OUT, "logs", tag + ".log"), args.mem, args.smp,
                   args.timeout + 60, on_line)
        os.remove(archive)
        rest = []
        for i, (name, cmd) in enumerate(todo):
            if name in got:
                results.append(got[name])
            elif name == cur["name"]:
                results.append(Result(name, "kernel", "boot %s" % why, 0.0, "", cur["out"]))
                rest = todo[i + 1:]
                break
            else:
                rest = todo[i:]
                break
        if rest and len(rest) == len(todo):
            # Nothing ran at all: the boot itself failed; do not loop.
            for name, _ in rest:
                results.append(Result(name, "kernel", "boot %s before the test" % why))
            rest = []
        todo = rest
    for r in results:
        with open(os.path.join(OUT, "out", r.name + ".txt"), "w") as f:
            f.write("\n".join(r.output) + "\n")
    return results


def make_batches(tests, progs, helpers, limit_bytes):
    helper_bytes = sum(os.path.getsize(stripped(progs[h])) for h in helpers)
    batches, cur, seen, size = [], [], set(), helper_bytes
    for name, cmd in tests:
        prog = cmd[0]
        add = 0 if prog in seen or prog in helpers else os.path.getsize(stripped(progs[prog]))
        if cur and size + add > limit_bytes:
            batches.append(cur)
            cur, seen, size = [], set(), helper_bytes
            add = 0 if prog in helpers else os.path.getsize(stripped(progs[prog]))
        cur.append((name, cmd))
        seen.add(prog)
        size += add
    if cur:
        batches.append(cur)
    return batches


def main() -> int:
    ap = argparse.ArgumentParser(description="Run LTP system-call tests in the guest.")
    ap.add_argument("--ltp-dir", default=os.environ.get("LTP_DIR", ""),
                    help="LTP install prefix or build tree (default: $LTP_DIR)")
    ap.add_argument("--tests", default="", help="space-separated test names (default: all)")
    ap.add_argument("--regress", metavar="FILE", help="run the tests named in FILE, print PASS/FAIL")
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("LTP_TIMEOUT", "30")),
                    help="seconds per test in the guest (default 30)")
    ap.add_argument("--batch-mb", type=int, default=160, help="program bytes per boot (default 160)")
    ap.add_argument("--mem", default="1G", help="guest memory (default 1G)")
    ap.add_argument("--smp", type=int, default=1, help="harts (default 1)")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="boots at once (default 1)")
    args = ap.parse_args()
    os.chdir(ROOT)
    global OUT
    if args.regress:
        OUT = "build/ltp-regress"       # a full run's results stay in build/ltp

    if not args.ltp_dir:
        if args.regress:
            print("SKIP ltp: LTP_DIR not set; to run the LTP regression set, " + HOW_TO)
            return 0
        print("ltp: no LTP tree given. To run LTP, " + HOW_TO, file=sys.stderr)
        return 2
    runtest = os.path.join(args.ltp_dir, "runtest", "syscalls")
    if not os.path.isfile(runtest):
        msg = "%s not found: LTP_DIR must be an LTP install prefix or build tree" % runtest
        if args.regress:
            print("FAIL ltp: " + msg)
            return 1
        print("ltp: " + msg + "; " + HOW_TO, file=sys.stderr)
        return 2
    for f, how in ((KERNEL, "make all"), (BASE_CPIO, "make all"), (LTPRUN, "make ltp")):
        if not os.path.isfile(f):
            print("ltp: %s not found (run %s)" % (f, how), file=sys.stderr)
            return 2
    if shutil.which(QEMU) is None:
        print("ltp: %s not found (install qemu-system-misc)" % QEMU, file=sys.stderr)
        return 2

    all_tests = read_runtest(runtest)
    progs = find_programs(args.ltp_dir)
    wanted = None
    if args.regress:
        with open(args.regress) as f:
            wanted = [ln.split("#", 1)[0].strip() for ln in f]
        wanted = [w for w in wanted if w]
        if not wanted:
            print("SKIP ltp: %s names no test" % args.regress)
            return 0
    elif args.tests:
        wanted = args.tests.split()
    if wanted is not None:
        by_name = dict(all_tests)
        unknown = [w for w in wanted if w not in by_name]
        if unknown:
            print("ltp: not in %s: %s" % (runtest, " ".join(unknown)), file=sys.stderr)
        wanted = list(dict.fromkeys(wanted))     # each name once
        tests = [(w, by_name[w]) for w in wanted if w in by_name]
    else:
        tests = all_tests
    used = {cmd[0] for _, cmd in all_tests}
    helpers = sorted(n for n in progs if n not in used)   # children that tests execve
    runnable = [(n, c) for n, c in tests if c[0] in progs]
    missing = [Result(n, "missing", "not built") for n, c in tests if c[0] not in progs]

    for d in ("logs", "out", "initrd"):
        os.makedirs(os.path.join(OUT, d), exist_ok=True)
    base = cpio_entries(BASE_CPIO)
    names = syscall_names()
    batches = make_batches(runnable, progs, helpers, args.batch_mb << 20)
    started = time.monotonic()
    print("ltp: %d tests (%d not built) from %s, %d boots, %gs per test, %d hart%s" % (
        len(tests), len(missing), args.ltp_dir, len(batches), args.timeout, args.smp,
        "" if args.smp == 1 else "s"), flush=True)

    results: List[Result] = []
    lock = threading.Lock()

    def one(ib):
        i, b = ib
        r = run_batch(i, b, progs, helpers, base, args, names)
        with lock:
            c = Counter(x.result for x in r)
            print("ltp: boot %d/%d: %s" % (i + 1, len(batches), ", ".join(
                "%d %s" % (c[k], k) for k in RESULTS if c[k])), flush=True)
        return r

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for r in ex.map(one, enumerate(batches)):
            results.extend(r)
    results.extend(missing)
    order = {n: i for i, (n, _) in enumerate(tests)}
    results.sort(key=lambda r: order.get(r.name, 0))

    with open(os.path.join(OUT, "results.txt"), "w") as f:
        f.write("# name result verdict secs enosys | reason\n")
        for r in results:
            f.write("%s %s %s %.2f %s | %s\n" % (
                r.name, r.result, r.verdict.replace(" ", "_") or "-", r.secs,
                ",".join(names.get(n, str(n)) for n in r.enosys) or "-", r.reason()))

    if args.regress:
        bad = 0
        for r in results:
            if r.result == "pass":
                print("PASS ltp/%s" % r.name)
            else:
                bad += 1
                print("FAIL ltp/%s: %s (%s) %s; see %s/out/%s.txt" % (
                    r.name, r.result, r.verdict, r.reason(), OUT, r.name))
        return 1 if bad else 0

    c = Counter(r.result for r in results)
    print()
    print("%-8s %5s" % ("result", "tests"))
    for k in RESULTS:
        print("%-8s %5d" % (k, c[k]))
    print("%-8s %5d" % ("total", len(results)))
    calls = Counter()
    for r in results:
        for n in set(r.enosys):
            calls[names.get(n, str(n))] += 1
    if calls:
        print("\nsystem calls that returned ENOSYS (tests that made them):")
        print("  " + ", ".join("%s %d" % (n, k) for n, k in calls.most_common()))
    print("\nltp: %.0f s; per test: %s/results.txt, output: %s/out/" % (
        time.monotonic() - started, OUT, OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
