#!/usr/bin/env python3
"""Board and boot-chain tests: the kernel on QEMU sifive_u, through U-Boot, at two addresses,
and the boot images for the real boards.

Cases (see --list):
  image/<board>     host-side check of build/image/<board>/ (scripts/check-image.py)
  sifive_u/<case>   every guest case of scripts/qemu-test.py that uses the default firmware,
                    booted on -machine sifive_u, and console-input (the UART's receive path) (hart 0 is an E51 without S-mode; OpenSBI 1.1
                    boots the kernel on one of harts 1-4 and cannot power off, so the end is
                    the kernel's console line, not QEMU exiting)
  uboot-booti       OpenSBI -> U-Boot (S-mode) -> distro boot finds boot.scr on a virtio disk
                    (build/image/qemu-virt.img) -> booti of Image with initramfs.cpio as ramdisk
  uboot-bootm       the same chain, but bootm of a legacy uImage whose header puts the kernel
                    at 0x88000000 (booti always moves an Image to RAM base + text_offset)
  two-address       both chain boots ran, at the two different addresses their banners show
Output: "PASS boards/<case>[/<ok name>]" and "FAIL boards/<case>: why" lines, logs in build/boards/;
the exit status is non-zero if anything failed. Images are (re)built with `make images` first.

Usage: scripts/boot-chains.py [--case NAME|GROUP]... [--list] [--verbose] [--jobs N] [--no-build]
Environment: QEMU, QEMU_TEST_TIMEOUT_SCALE (multiplies every timeout), UBOOT (U-Boot binary).
"""

import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
UBOOT = os.environ.get("UBOOT", "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")
KERNEL = "build/kernel.bin"
LOG_DIR = "build/boards"
VIRT_ARGS = "platform/qemu-virt/qemu.args"
SIFIVE_ARGS = "platform/qemu-sifive-u/qemu.args"
VIRT_DISK = "build/image/qemu-virt.img"
VIRT_IMAGE_DIR = "build/image/qemu-virt"
BOOTM_DIR = LOG_DIR + "/bootm"
BOOTM_SCRIPT = "platform/qemu-virt/boot-bootm.cmd"
BOOTM_ADDR = 0x88000000      # 2 MiB aligned, mid-RAM: free pages lie below and above the kernel
IMAGE_BOARDS = ["qemu-virt", "qemu-sifive-u", "hifive-unmatched", "visionfive2"]
SIFIVE_TIMEOUT_FACTOR = 1.5
# Guest cases that test something sifive_u does not have.
SIFIVE_SKIP = {"sstc-timer": "its harts have no Sstc"}

END_LINE = "kernel: no processes left, powering off"
HALT_LINE = "kernel: the firmware cannot power off; halted"   # sifive_u: QEMU keeps running
BANNER_RE = re.compile(r"^rvix: booting on hart (\d+), kernel at (0x[0-9a-f]+)$", re.M)
KILL_RE = re.compile(r"kernel: pid \d+ \(.*\) killed: ")
OK_RE = re.compile(r"^ok (\S+)")
NOT_OK_RE = re.compile(r"^not ok (\S+?):?(?:\s+(.*))?$")
TAIL_LINES = 25


@dataclass
class Boot:
    name: str
    argv: List[str]
    oks: int
    timeout: float
    expect: List[str] = field(default_factory=list)
    input: Optional[bytes] = None
    grace: float = 2.0          # seconds QEMU gets to exit by itself after the end line
    panics: bool = False        # a kernel panic must happen, then the power-off attempt
    abort: List[str] = field(default_factory=list)   # regexes: the boot cannot succeed any more
    about: str = ""


@dataclass
class Run:
    lines: List[str]
    end_seen: bool = False
    halted: bool = False        # the kernel said the firmware cannot power off
    aborted: str = ""           # the line that matched an abort regex
    exited: bool = False
    returncode: Optional[int] = None
    timed_out: bool = False
    error: str = ""


def read_args(path: str) -> List[str]:
    with open(os.path.join(ROOT, path)) as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]


def guest_cases():
    """The case table of scripts/qemu-test.py (only its data is used)."""
    spec = importlib.util.spec_from_file_location("qemu_test", os.path.join(ROOT, "scripts/qemu-test.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.CASES


def log_path(name: str) -> str:
    return os.path.join(ROOT, LOG_DIR, name.replace("/", "-") + ".log")


# ---- the boots ----

def sifive_skip_reason(c) -> Optional[str]:
    if getattr(c, "firmware", "default") != "default":
        return "it needs firmware %s for virt" % c.firmware
    if getattr(c, "extra", None):
        return "it adds virt-specific QEMU arguments"
    if getattr(c, "interact", None):
        return "it types at the console (the sifive_u console-input case covers that path)"
    if getattr(c, "exclusive", False):
        return "it measures throughput on virt"
    if getattr(c, "must_exit", False):
        return "it needs a firmware that can power off (OpenSBI 1.1 on sifive_u cannot)"
    if getattr(c, "disks", None):
        return "it attaches virtio disks (sifive_u has no virtio-mmio transports)"
    return SIFIVE_SKIP.get(c.name)


def sifive_boots(cases, scale: float) -> List[Boot]:
    boots = []
    for c in cases:
        if sifive_skip_reason(c):
            continue
        boots.append(Boot(
            "sifive_u/" + c.name,
            [QEMU] + read_args(SIFIVE_ARGS) + ["-bios", "default", "-kernel", KERNEL,
                                               "-append", c.bootargs],
            c.oks, c.timeout * SIFIVE_TIMEOUT_FACTOR * scale,
            expect=list(c.expect) + [
                r"^rvix: booting on hart [1-4], kernel at 0x80200000$",
                r"^rvix: console sifive,uart0 at 0x10010000 \(sifive-uart,"],
            input=getattr(c, "input", None), grace=0.5, panics=getattr(c, "panics", False),
            about="%s, on sifive_u" % (c.about or c.name)))
    # The SiFive UART's receive path: bytes typed on the console come back as the tty's echo.
    boots.append(Boot(
        "sifive_u/console-input",
        [QEMU] + read_args(SIFIVE_ARGS) + ["-bios", "default", "-kernel", KERNEL,
                                           "-append", "spawn=/bin/ticker"],
        0, 30 * scale, expect=[r"rxok42", r"^ticker pid \d+: tick 5$"],
        input=b"rxok42\n", grace=0.5,      # 7 bytes: all fit in the 8-byte receive FIFO at once
        about="console input through the SiFive UART (interrupt-driven) is echoed by the tty"))
    return boots


def chain_payload(cases):
    """What the chain boots run: the guest case 'startup' (ELF loading, initial stack) if the
    table has it, else /bin/hello."""
    for c in cases:
        if c.name == "startup" and getattr(c, "firmware", "default") == "default":
            return c.bootargs, c.oks, list(c.expect), c.timeout
    return "spawn=/bin/hello", 0, [r"^hello from pid \d+"], 30.0


def uboot_boots(cases, scale: float) -> List[Boot]:
    bootargs, oks, expect, timeout = chain_payload(cases)
    common = [r"^Found U-Boot script /boot\.scr", r"^rvix: initrd 0x[0-9a-f]+-0x[0-9a-f]+$",
              r"^rvix: initramfs from the loader, \d+ entries",
              r'^rvix: bootargs "%s"$' % re.escape(bootargs)]

    def argv(disk: str) -> List[str]:
        return ([QEMU] + read_args(VIRT_ARGS) + ["-bios", "default", "-kernel", UBOOT,
                "-append", bootargs,
                "-drive", "file=%s,format=raw,if=none,id=boot,readonly=on" % disk,
                "-device", "virtio-blk-device,drive=boot"])

    # U-Boot's ways of saying the kernel will not start (it would sit at its prompt until the timeout).
    abort = [r"SCRIPT FAILED", r"^syntax error", r"^Unhandled exception", r"^boot\.scr: boot failed",
             r"Bad Linux RISCV Image magic", r"Wrong Image Format", r"Couldn't find partition"]
    return [
        Boot("uboot-booti", argv(VIRT_DISK), oks, (timeout + 20) * scale,
             expect=expect + common + [r"^rvix: booting on hart \d+, kernel at 0x80200000$"],
             abort=abort, about="OpenSBI -> U-Boot -> boot.scr from virtio FAT -> booti Image + initramfs"),
        Boot("uboot-bootm", argv(BOOTM_DIR + ".img"), oks, (timeout + 20) * scale,
             expect=expect + common + [r"^rvix: booting on hart \d+, kernel at %#x$" % BOOTM_ADDR],
             abort=abort, about="U-Boot bootm of a uImage loaded at %#x (not RAM base + 2 MiB)" % BOOTM_ADDR),
    ]


def kill_group(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def boot(b: Boot) -> Run:
    """Boot once; stop at the end line (plus the grace period), QEMU's exit or the timeout."""
    run = Run(lines=[])
    end_event = threading.Event()
    try:
        p = subprocess.Popen(b.argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if b.input is not None else subprocess.DEVNULL,
                             start_new_session=True)
    except OSError as e:
        run.error = "cannot start %s: %s" % (b.argv[0], e)
        return run

    def reader() -> None:
        with open(log_path(b.name), "w", encoding="utf-8") as log:
            for raw in iter(p.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").replace("\r", "").rstrip("\n")
                run.lines.append(line)
                log.write(line + "\n")
                log.flush()
                if END_LINE in line:
                    end_event.set()
                if HALT_LINE in line:       # nothing follows; QEMU would never exit
                    run.halted = True
                    end_event.set()
                if not run.aborted and any(re.search(a, line) for a in b.abort):
                    run.aborted = line.strip()
                    end_event.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    if b.input is not None:
        try:
            p.stdin.write(b.input)
            p.stdin.flush()
        except OSError:
            pass
    deadline = time.monotonic() + b.timeout
    while True:
        if p.poll() is not None:
            run.exited, run.returncode = True, p.returncode
            break
        if end_event.is_set():
            try:
                run.returncode = p.wait(0.2 if run.halted else b.grace)
                run.exited = True
            except subprocess.TimeoutExpired:
                pass
            break
        if time.monotonic() >= deadline:
            run.timed_out = True
            break
        end_event.wait(0.05)
    kill_group(p)
    p.wait()
    t.join(5)
    if b.input is not None:
        try:
            p.stdin.close()
        except OSError:
            pass
    run.end_seen = any(END_LINE in ln for ln in run.lines)
    return run


def judge(b: Boot, run: Run):
    """Returns (result lines for the assertions, reasons the boot failed)."""
    results, why, seen = [], [], {}

    def unique(name: str) -> str:
        seen[name] = seen.get(name, 0) + 1
        return name if seen[name] == 1 else "%s#%d" % (name, seen[name])

    oks = fails = 0
    for line in run.lines:
        m = NOT_OK_RE.match(line)
        if m:
            fails += 1
            results.append("FAIL boards/%s/%s: %s" % (b.name, unique(m.group(1)),
                                                      m.group(2) or "(no reason given)"))
            continue
        m = OK_RE.match(line)
        if m:
            oks += 1
            results.append("PASS boards/%s/%s" % (b.name, unique(m.group(1))))
    if run.error:
        return results, [run.error]
    if run.aborted:
        why.append("gave up at: " + run.aborted)
    elif run.timed_out:
        why.append("timed out after %gs" % b.timeout)
    elif b.panics and not (run.exited or run.halted):
        why.append("no power-off attempt after the panic")
    elif not b.panics and not run.end_seen:
        why.append("QEMU exited with status %s before the kernel's end line" % run.returncode)
    text = "\n".join(run.lines)
    if not BANNER_RE.search(text):
        why.append("no boot banner ('rvix: booting on hart N, kernel at 0x...')")
    panics = [ln for ln in run.lines if "panic:" in ln]
    if panics and not b.panics:
        why.append("kernel panic: " + panics[0].strip())
    if b.panics and not panics:
        why.append("expected a kernel panic, none happened")
    if fails:
        why.append("%d assertion%s failed" % (fails, "" if fails == 1 else "s"))
    if oks != b.oks:
        why.append("expected %d 'ok' lines, got %d" % (b.oks, oks))
    expect_res = [re.compile(e, re.M) for e in b.expect]
    for e, rx in zip(b.expect, expect_res):
        if not rx.search(text):
            why.append("missing line matching /%s/" % e)
    for ln in run.lines:
        if KILL_RE.search(ln) and not any(rx.search(ln) for rx in expect_res):
            why.append("unexpected: " + ln.strip())
    return results, why


def run_boot(b: Boot, verbose: bool):
    out = []
    if verbose:
        out.append("# %s: %s" % (b.name, " ".join("'%s'" % a if (" " in a or not a) else a
                                                   for a in b.argv)))
    started = time.monotonic()
    run = boot(b)
    if verbose:
        out.append("# %s: %.1fs, end line %s, QEMU %s" % (
            b.name, time.monotonic() - started, "seen" if run.end_seen else "not seen",
            "exited %s" % run.returncode if run.exited else "killed"))
    results, why = judge(b, run)
    out.extend(results)
    out.append("FAIL boards/%s: %s" % (b.name, "; ".join(why)) if why else "PASS boards/%s" % b.name)
    shown = run.lines if verbose else (run.lines[-TAIL_LINES:] if why else [])
    if shown:
        if not verbose:
            out.append("    --- last %d lines of %s ---" % (len(shown), os.path.relpath(log_path(b.name), ROOT)))
        out.extend("    | " + ln for ln in shown)
    return out, run


# ---- preparation ----

def sh(cmd: List[str]) -> Optional[str]:
    """Run a host command in ROOT; None on success, else its output."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    try:
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    except OSError as e:
        return str(e)
    return None if r.returncode == 0 else r.stdout.decode(errors="replace").strip()[-800:]


def build_images() -> Optional[str]:
    err = sh(["make", "-s", "--no-print-directory", "images"])
    return None if err is None else "make images failed: " + err


def build_bootm_disk() -> Optional[str]:
    """build/boards/bootm.img: the qemu-virt files, but the kernel as a uImage for BOOTM_ADDR."""
    d = os.path.join(ROOT, BOOTM_DIR)
    os.makedirs(d, exist_ok=True)
    shutil.copyfile(os.path.join(ROOT, VIRT_IMAGE_DIR, "initramfs.cpio"), os.path.join(d, "initramfs.cpio"))
    addr = "%#x" % BOOTM_ADDR
    steps = [
        ["mkimage", "-A", "riscv", "-O", "linux", "-T", "kernel", "-C", "none", "-a", addr, "-e", addr,
         "-n", "rvix at " + addr, "-d", os.path.join(VIRT_IMAGE_DIR, "Image"), BOOTM_DIR + "/Image.uimg"],
        ["mkimage", "-A", "riscv", "-O", "linux", "-T", "script", "-C", "none", "-n", "rvix bootm",
         "-d", BOOTM_SCRIPT, BOOTM_DIR + "/boot.scr"],
        [sys.executable, "platform/mkdisk.py", "fat", BOOTM_DIR + ".fat", BOOTM_DIR + "/Image.uimg",
         BOOTM_DIR + "/initramfs.cpio", BOOTM_DIR + "/boot.scr"],
        [sys.executable, "platform/mkdisk.py", "disk", BOOTM_DIR + ".fat", BOOTM_DIR + ".img"],
    ]
    for cmd in steps:
        err = sh(cmd)
        if err is not None:
            return "%s failed: %s" % (" ".join(cmd[:2]), err)
    return None


def image_checks(boards) -> List[str]:
    r = subprocess.run([sys.executable, "scripts/check-image.py"] + boards, cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = r.stdout.decode(errors="replace").splitlines()
    if r.returncode != 0 and not any(ln.startswith("FAIL ") for ln in lines):
        lines.append("FAIL boards/image: check-image.py exited with status %d" % r.returncode)
    return lines


def two_address(runs) -> str:
    addrs = {}
    for name in ("uboot-booti", "uboot-bootm"):
        m = BANNER_RE.search("\n".join(runs[name].lines)) if name in runs else None
        addrs[name] = m.group(2) if m else None
    if None in addrs.values():
        return "FAIL boards/two-address: no banner from %s" % ", ".join(
            n for n, a in addrs.items() if a is None)
    if addrs["uboot-booti"] == addrs["uboot-bootm"]:
        return "FAIL boards/two-address: both boots ran at %s" % addrs["uboot-booti"]
    return "PASS boards/two-address"


def main() -> int:
    ap = argparse.ArgumentParser(description="Board and boot-chain tests under QEMU.")
    ap.add_argument("--case", action="append", metavar="NAME",
                    help="run only this case, or a group: image, sifive_u, uboot (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--verbose", "-v", action="store_true", help="show QEMU commands and whole logs")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="boots run at once (default 2)")
    ap.add_argument("--no-build", action="store_true", help="use the images already in build/image")
    args = ap.parse_args()
    os.chdir(ROOT)
    try:
        scale = float(os.environ.get("QEMU_TEST_TIMEOUT_SCALE", "1"))
    except ValueError:
        scale = 1.0
    try:
        cases = guest_cases()
    except Exception as e:      # a broken case table must not hide the other results
        print("FAIL boards/sifive_u: cannot read the case table of scripts/qemu-test.py: %s" % e)
        cases = []
    boots = sifive_boots(cases, scale) + uboot_boots(cases, scale)
    names = (["image/" + b for b in IMAGE_BOARDS] + [b.name for b in boots] + ["two-address"])

    if args.list:
        for b in IMAGE_BOARDS:
            print("%-22s %s" % ("image/" + b, "Image header, boot.scr and FAT image of " + b))
        for b in boots:
            print("%-22s %s" % (b.name, b.about))
        for c in cases:
            if sifive_skip_reason(c):
                print("%-22s skipped: %s" % ("sifive_u/" + c.name, sifive_skip_reason(c)))
        print("%-22s %s" % ("two-address", "uboot-booti and uboot-bootm ran at different addresses"))
        return 0

    if args.case and "two-address" in args.case:
        args.case.append("uboot")           # it compares the two chain boots
    def wanted(name: str) -> bool:
        if not args.case:
            return True
        return any(name == c or name.startswith(c.rstrip("/") + "/") or name.startswith(c + "-")
                   for c in args.case)

    if args.case:
        unknown = [c for c in args.case if not any(
            n == c or n.startswith(c.rstrip("/") + "/") or n.startswith(c + "-") for n in names)]
        if unknown:
            print("boot-chains: unknown case %s (see --list)" % ", ".join(unknown), file=sys.stderr)
            return 2

    os.makedirs(LOG_DIR, exist_ok=True)
    failed = False

    def emit(lines: List[str]) -> None:
        nonlocal failed
        if lines:
            print("\n".join(lines), flush=True)
        failed |= any(ln.startswith("FAIL ") for ln in lines)

    if shutil.which(QEMU) is None:
        emit(["FAIL boards: %s not found (install qemu-system-misc)" % QEMU])
        return 1
    boots = [b for b in boots if wanted(b.name)]
    uboot_wanted = any(b.name.startswith("uboot-") for b in boots)
    prep_error = None
    if not args.no_build and (uboot_wanted or any(wanted("image/" + b) for b in IMAGE_BOARDS)):
        prep_error = build_images()
    if prep_error is None and uboot_wanted:
        if not os.path.isfile(UBOOT):
            prep_error = "%s not found (install u-boot-qemu)" % UBOOT
        elif shutil.which("mkimage") is None:
            prep_error = "mkimage not found (install u-boot-tools)"
        elif any(b.name == "uboot-bootm" for b in boots):
            prep_error = build_bootm_disk()
    if prep_error:
        emit(["FAIL boards/images: " + prep_error])
        boots = [b for b in boots if not b.name.startswith("uboot-")]

    image_boards = [b for b in IMAGE_BOARDS if wanted("image/" + b)]
    if image_boards:
        emit(image_checks(image_boards))
    if not os.path.isfile(KERNEL) and any(b.name.startswith("sifive_u/") for b in boots):
        emit(["FAIL boards/sifive_u: %s not found (run make)" % KERNEL])
        boots = [b for b in boots if not b.name.startswith("sifive_u/")]

    runs = {}
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for b, (out, run) in zip(boots, ex.map(lambda b: run_boot(b, args.verbose), boots)):
            runs[b.name] = run
            emit(out)
    if wanted("two-address") and not prep_error:
        emit([two_address(runs)])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
