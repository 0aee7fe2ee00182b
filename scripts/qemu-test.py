#!/usr/bin/env python3
"""Guest tests: boot the kernel under QEMU once per case and judge the console.

Each case boots build/kernel.bin with its own bootargs (usually spawn=...),
captures the console into build/guest/<case>.log and prints:
  PASS guest/<case>/<name>          for every "ok <name>" line in the log
  FAIL guest/<case>/<name>: reason  for every "not ok <name>: reason" line
  PASS guest/<case>                 if the boot reached its end in time and met
                                    every expectation, or
  FAIL guest/<case>: why            followed by the tail of the log.
The exit status is non-zero if anything failed.

Usage: scripts/qemu-test.py [--case NAME]... [--list] [--verbose] [--jobs N]
Environment: QEMU (the QEMU binary), QEMU_TEST_KERNEL (another kernel image),
QEMU_TEST_TIMEOUT_SCALE (multiplies every timeout).

Disks: a case's `disks` is a callable given the case's own directory
(build/guest/<case>.disks/, emptied before each run) that creates disk images and
returns a list of them, each a path or a (path, options) pair; disk N is attached
as `-drive file=P,format=raw,if=none,id=dN[,options] -device virtio-blk-device,drive=dN`
(so the first is /dev/vda). Options such as "readonly=on" go into -drive; a path
may be a QEMU protocol string such as "blkdebug:CONF:IMG". After QEMU exits, the
case's `post(images, run)` (images: the list `disks` returned, run: the Run with the
console lines) returns a list of failure strings, e.g. from e2fsck or from comparing
bytes in the image. `virtio_modern=True` adds -global virtio-mmio.force-legacy=false
(QEMU 7.2 offers the legacy virtio-mmio transport by default).
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # fsimage
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
KERNEL = os.environ.get("QEMU_TEST_KERNEL", "build/kernel.bin")
LOG_DIR = "build/guest"
ARGS_FILE = "platform/qemu-virt/qemu.args"
FIRMWARE = {
    "default": "default",  # QEMU's bundled OpenSBI
    "fw_jump": "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin",  # Debian's opensbi
}
END_LINE = "kernel: no processes left, powering off"
BANNER_RE = re.compile(r"^rvix:", re.M)
KILL_RE = re.compile(r"kernel: pid \d+ \(.*\) killed: ")
OK_RE = re.compile(r"^ok (\S+)")
ENOSYS_RE = re.compile(r"^kernel: enosys (>=)?(\d+) (\d+)$")
NOT_OK_RE = re.compile(r"^not ok (\S+?):?(?:\s+(.*))?$")
EXIT_GRACE = 2.0  # seconds QEMU gets to exit by itself after the end line
TAIL_LINES = 20


def killed(path: str, cause: str) -> str:
    """A regex for the kernel's line about killing the program at `path` for `cause`.
    The program may be named by its path or by its last component."""
    d, base = os.path.split(path)
    return (r"kernel: pid \d+ \((?:%s/)?%s\) killed: %s sepc=0x[0-9a-f]+ stval=(?:0x)?[0-9a-f]+$"
            % (re.escape(d), re.escape(base), cause))


@dataclass
class Case:
    name: str
    bootargs: str
    oks: int                    # exact number of "ok" lines expected
    timeout: float = 30.0       # seconds for the whole boot
    firmware: str = "default"   # a key of FIRMWARE
    extra: List[str] = field(default_factory=list)   # more QEMU arguments
    expect: List[str] = field(default_factory=list)  # regexes that must match some line
    input: Optional[bytes] = None  # fed to the console (stdin is /dev/null otherwise)
    panics: bool = False        # the case provokes a kernel panic: it must happen, then power off
    about: str = ""
    end: str = END_LINE         # the boot is over at this line (QEMU gets EXIT_GRACE to exit)
    must_exit: bool = False     # QEMU must exit by itself within EXIT_GRACE of the end line
    reject: List[str] = field(default_factory=list)  # regexes that must match no line
    interact: List[tuple] = field(default_factory=list)  # (regex to wait for, text to type) steps
    exclusive: bool = False     # run alone, after the others (it measures throughput)
    compare: str = ""           # a user/tests program whose "out:" lines scripts/host-compare.py
                                # compares with the same program run on the host
    enosys: List = field(default_factory=list)  # syscall numbers the case calls that the kernel lacks:
                                # exactly these "kernel: enosys <nr> <count>" power-off lines must
                                # appear ("beyond" stands for numbers past the table, ">=N")
    disks: Optional[Callable] = None  # (case dir) -> [path or (path, drive options)]; see the docstring
    post: Optional[Callable] = None   # (images, run) -> [failure strings], after QEMU exits
    virtio_modern: bool = False       # virtio-mmio version 2 instead of QEMU 7.2's legacy default


# -- blk --
BLK_DISK = 4 << 20


def blk_pattern(n: int) -> bytes:
    """Byte i is ((i * 7) ^ (i >> 9)) & 0xff, as user/tests/blkdev.c's PAT."""
    return bytes(((i * 7) ^ (i >> 9)) & 0xff for i in range(n))


def blk_disks(d: str) -> List:
    """vda: the pattern, read-write; vdb: read-only; vdc: blkdebug fails reads at 1 MiB."""
    pat = blk_pattern(BLK_DISK)
    paths = [os.path.join(d, n) for n in ("rw.img", "ro.img", "eio.img")]
    for p in paths:
        with open(p, "wb") as f:
            f.write(pat)
    # vdb: an MBR with partition 1 at sector 2048, 4096 sectors; vdc: an entry past the end
    for p, start, count in ((paths[1], 2048, 4096), (paths[2], 100000, 16)):
        with open(p, "r+b") as f:
            f.seek(446)
            f.write(bytes([0, 0, 0, 0, 0x83, 0, 0, 0]) + start.to_bytes(4, "little") + count.to_bytes(4, "little")
                    + bytes(48))     # entries 2-4 unused
            f.seek(510)
            f.write(b"\x55\xaa")
    conf = os.path.join(d, "eio.conf")
    with open(conf, "w") as f:
        f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "2048"\nonce = "on"\n')
    return [paths[0], (paths[1], "readonly=on"), "blkdebug:%s:%s" % (conf, paths[2])]


def blk_post(images: List, run) -> List[str]:
    """The guest's writes are in the image; nothing else changed."""
    with open(images[0], "rb") as f:
        got = f.read()
    want = bytearray(blk_pattern(BLK_DISK))
    want[(1 << 20) + 77:(1 << 20) + 77 + 3000] = bytes(ord("A") + i % 26 for i in range(3000))
    want[2 << 20:(2 << 20) + 8192] = b"\xa5" * 8192
    want[BLK_DISK - 2:] = b"zz"
    want[7000 * 512:7000 * 512 + 1536] = blk_pattern(700 * 4096 + 1536)[700 * 4096:]   # dd seek=7000
    if got != bytes(want):
        bad = next(i for i in range(min(len(got), len(want))) if got[i] != want[i]) if len(got) == len(want) else -1
        return ["vda image differs from the expected bytes (first at %d, size %d)" % (bad, len(got))]
    return []


def blk_home_disk(d: str) -> List:
    """An ext2 image as `make run` makes it (scripts/mkdiskimg.py)."""
    img = os.path.join(d, "disk.img")
    r = subprocess.run([sys.executable, "scripts/mkdiskimg.py", img, "8"], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr.strip())
    return [img]


def blk_root_disk(d: str) -> List:
    """An ext2 root file system: the initramfs's tree (build/rootfs) plus /MARKER."""
    tree = os.path.join(d, "tree")
    shutil.copytree("build/rootfs", tree, symlinks=True)
    with open(os.path.join(tree, "MARKER"), "w") as f:
        f.write("root from the disk\n")
    img = os.path.join(d, "root.img")
    r = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-d", tree, img, "64M"],
                       capture_output=True, text=True)
    shutil.rmtree(tree, ignore_errors=True)
    if r.returncode:
        raise RuntimeError("mke2fs: " + r.stderr.strip())
    return [img]


def blk_fsck(images: List, run) -> List[str]:
    """e2fsck -fn finds the guest's ext2 image clean."""
    r = subprocess.run(["e2fsck", "-fn", images[0]], capture_output=True, text=True)
    return [] if r.returncode == 0 else ["e2fsck -fn: status %d: %s" % (r.returncode, (r.stdout + r.stderr).strip()[-300:])]


def blk_home_post(images: List, run) -> List[str]:
    """Clean, and the file written at the prompt is on the disk (read back by debugfs)."""
    why = blk_fsck(images, run)
    r = subprocess.run(["debugfs", "-R", "cat /note", images[0]], capture_output=True, text=True)
    if r.stdout != "written at the prompt\n":
        why.append("debugfs cat /note: %r" % r.stdout[:100])
    return why


def blk_slow_disk(d: str) -> List:
    """A disk throttled to 200 bytes/s: a 4 KiB read outlasts the kernel's 10 s timeout."""
    img = os.path.join(d, "slow.img")
    with open(img, "wb") as f:
        f.write(b"TIMEOUT!" + bytes((1 << 20) * 2 - 8))
    return [(img, "throttling.bps-read=200")]
# (end of blk)


BAD_INITRD = "build/guest-bad-initrd.cpio"   # written by main(): a newc header full of garbage
PROMPT = r"\n# \Z"     # the shell's prompt, as the last thing on the console


def spawn(*paths: str) -> str:
    return "spawn=" + ",".join(paths)


# -- fs --
FS_OKS = 89     # fs_ext2's checks with both disks (78 + 7 ENOSPC + 4 mount/umount)


def fs_disks(block: int, sparse: bool):
    """The disks of an fs case: a 64 MiB seeded image and a 2 MiB one to fill up."""
    def make(d: str) -> List[str]:
        import fsimage
        return [fsimage.make_image(os.path.join(d, "main.img"), 64, block, sparse),
                fsimage.make_image(os.path.join(d, "small.img"), 2, block, sparse, seed=False)]
    return make


def fs_post(images, run) -> List[str]:
    import fsimage
    bad = []
    for img in images:
        bad += fsimage.e2fsck_clean(img)
    return bad + fsimage.check_written(images[0])
# (end of fs)


CASES = [
    Case("boot-default", spawn("/bin/hello"), 0,
         expect=[r"^hello from pid \d+"],
         about="boot with QEMU's bundled OpenSBI, run /bin/hello"),
    # The preemption pair measures time-sharing of ONE hart: maxcpus=1 keeps it so under --smp.
    Case("boot-fw_jump", spawn("/bin/hello", "/tests/preempt", "/tests/preempt") + " maxcpus=1", 4,
         firmware="fw_jump", timeout=60, expect=[r"^hello from pid \d+"],
         about="boot with Debian's fw_jump.bin: hello and the preemption pair"),
    Case("preempt", spawn("/tests/preempt", "/tests/preempt") + " maxcpus=1", 4, timeout=60,
         about="two CPU-bound copies without system calls both get preempted"),
    Case("privileged", spawn("/tests/privileged", "/tests/sret", "/tests/nullderef",
                             "/tests/wxtext", "/tests/survivor"), 2,
         expect=[killed("/tests/privileged", "illegal instruction"),
                 killed("/tests/sret", "illegal instruction"),
                 killed("/tests/nullderef", "load page fault"),
                 killed("/tests/wxtext", "store page fault")],
         about="U-mode faults kill only the culprit; a survivor carries on"),
    Case("efault", spawn("/tests/efault"), 19,
         about="bad user pointers give -EFAULT"),
    Case("syscalls", spawn("/tests/syscalls"), 25,
         enosys=["beyond"],     # it checks that numbers past the table are ENOSYS
         about="argument checking and semantics of the basic system calls"),
    Case("counters", spawn("/tests/counters"), 5,
         about="cycle/time/instret readable from U-mode"),
    # -- silicon --
    Case("icache", spawn("/tests/dyn_icache"), 9,
         about="fence.i counters: none for data faults; local for an exec fault, mprotect(PROT_EXEC), "
               "execve, riscv_flush_icache; deferred on a switch to a stale hart; remote for a thread "
               "running elsewhere (the last two need --smp 2 or more, else they report a skip)"),
    # (end of silicon)
    Case("sleepcpu", spawn("/tests/sleepcpu"), 6,
         about="times(): sleeping costs no CPU time, spinning does"),
    Case("startup", spawn("/tests/startup"), 12,
         about="initial stack (argv, envp, auxv, alignment) and ELF loading (.data, .bss)"),
    Case("demo", spawn("/bin/ticker", "/bin/spinner"), 0, timeout=60,
         expect=[r"(?s)^ticker pid \d+: tick 5$.*^spinner pid \d+: "],
         about="ticker keeps its 200 ms beat while spinner hogs the CPU (finishes first)"),
    Case("churn", spawn("/tests/churn"), 4, timeout=180,
         about="1000 fork/exit/wait cycles, statuses intact, no memory leak"),
    Case("kernel-panic", "crash=kernel-fault", 0, panics=True,
         expect=[r"^panic: kernel trap: load page fault scause=0xd sepc=0xffffffff8[0-9a-f]+ "
                 r"stval=0xffffffc000001000",
                 r"^\s+ra=[0-9a-f]{16}\s+sp=[0-9a-f]{16}", r"^ sstatus=[0-9a-f]{16}$",
                 r"^backtrace:$", r"^  #0 [0-9a-f]{16} boot_crash_test[.a-z0-9]*\+0x[0-9a-f]+$",
                 r"^  #1 [0-9a-f]{16} kmain\+0x[0-9a-f]+$"],
         about="an unexpected kernel trap prints cause, registers, a symbolized backtrace, powers off"),
    Case("kernel-stack-overflow", "crash=stack-overflow", 0, panics=True,
         expect=[r"^panic: kernel stack overflow: pid -?\d+ ran into the guard page at 0xffffffe0[0-9a-f]+$",
                 r"^panic: kernel trap: store page fault", r"^backtrace:$",
                 r"^  #0 [0-9a-f]{16} boot_crash_recurse[.a-z0-9]*\+0x[0-9a-f]+$"],
         about="a kernel stack running into its guard page is reported (trap frames use a trap stack)"),
    Case("sbi-timer", spawn("/tests/sleepcpu", "/tests/preempt", "/tests/preempt") + " tick=250 maxcpus=1", 10,
         extra=["-cpu", "rv64,sstc=false"], timeout=60,
         expect=[r"^rvix: timer 250 Hz via SBI TIME;"],
         about="without Sstc the tick comes through the SBI TIME extension, at the bootargs rate"),
    Case("pie", spawn("/tests/pie"), 3,
         about="a position-independent executable (ET_DYN, no interpreter) is loaded at the PIE base"),
    Case("bad-initramfs", spawn("/bin/hello"), 0, extra=["-initrd", BAD_INITRD],
         expect=[r"^initramfs: malformed archive after 0 entries; refused$",
                 r"^rvix: initramfs from the kernel image, \d+ entries$", r"^hello from pid"],
         about="a malformed external initramfs is refused with a message; the embedded one is used"),
    Case("init-exit", "init=/bin/hello", 0, end="kernel: powering off", must_exit=True,
         expect=[r"^hello from pid 1 ", r"^kernel: init exited with status 0$", r"^kernel: powering off$"],
         about="when init (pid 1) exits the kernel reports its status and powers off"),
    Case("rfence", spawn("/bin/hello", "/tests/cow") + " tlb=rfence", 12, extra=["-smp", "2"],
         expect=[r"^rvix: 2 harts running$", r"^hello from pid"],
         about="remote TLB flushes through SBI RFENCE (tlb=rfence) on two harts"),
    Case("sstc-timer", spawn("/bin/hello"), 0,
         expect=[r"^rvix: timer 100 Hz via Sstc stimecmp;", r"^hello from pid",
                 r"^rvix: kernel page table: [1-9]\d* leaves, 0 writable\+executable, 0 user, W\^X holds$"],
         about="with Sstc (QEMU 7.2 virt and its OpenSBI) stimecmp is used directly"),
    # glibc programs from user/tests (docs/testing.md). oks counts every check of the programs,
    # so a known kernel bug shows as "not ok" plus a missing ok. compare= names the program whose
    # "out:" lines scripts/host-compare.py checks against Linux.
    Case("g-exec", spawn("/tests/exec"), 59,
         about="auxv, exact argv/envp, malformed ELF files, EFAULT, signal state across execve"),
    Case("g-mem", spawn("/tests/mem"), 41,
         expect=[killed("/tests/mem", "store page fault")],
         about="demand-zero, brk, large malloc, mmap/mprotect/munmap faults, stack overflow"),
    Case("g-cow", spawn("/tests/cow"), 12, compare="/tests/cow",
         about="copy-on-write isolation (stack, heap, .data, .bss, mappings), MAP_SHARED, MADV_DONTNEED"),
    Case("g-basic", spawn("/tests/basic"), 5, compare="/tests/basic",
         about="printf, malloc, fork, wait4 and signal handlers in one ordinary program"),
    Case("g-wait", spawn("/tests/wait"), 37, compare="/tests/wait",
         about="fork/vfork/clone, wait4 selection and options, Linux status encodings, zombies"),
    Case("g-sigdefault", spawn("/tests/sigdefault"), 46, compare="/tests/sigdefault",
         about="default action of every signal, blocked/ignored/orphaned-group variants"),
    Case("g-signals", spawn("/tests/signals"), 62,
         expect=[killed("/tests/signals", "(?:load|store) page fault"),
                 killed("/tests/signals", "bad signal frame")],
         about="handlers: siginfo, ucontext, SA_* flags, EINTR/restart, altstack, pending, SIGCHLD, FP state"),
    Case("g-pgrp", spawn("/tests/pgrp"), 21, compare="/tests/pgrp",
         about="setpgid/setsid rules and errors, kill to a group, to our group and to -1 (as pid 1)"),
    Case("g-lifecycle", spawn("/tests/lifecycle"), 36,
         about="ids, rlimits, uname, getrandom, sysinfo, times, clocks and sleeps, sched_yield"),
    Case("g-badptr", spawn("/tests/badptr"), 172,
         enosys=[299, 300, 350, "beyond"],     # test_enosys: unused numbers must be ENOSYS
         about="EFAULT from every pointer-taking system call, ENOSYS for unknown numbers"),
    Case("g-orphan", spawn("/tests/orphaninit"), 4,
         about="an orphaned grandchild is re-parented to pid 1, sees getppid() == 1 and is reaped"),
    Case("g-poweroff", spawn("/tests/poweroff", "/tests/sleeper"), 3, timeout=20,
         end="kernel: power off", must_exit=True, expect=[r"^kernel: power off$"],
         reject=[r"^" + re.escape(END_LINE)],
         about="reboot(RB_POWER_OFF) with another process alive: QEMU exits at once"),
    # 1.5 s on 1-3 harts, about 50 s with -smp 4 on a 2-core host (128 slots under the big
    # kernel lock; 3.4 s with 64 slots): see issue 10's note.
    # -- flusher -- the write-back kernel thread beside ordinary programs: they still exit,
    # are waited for and signalled (kill(-1) skips nothing it should hit), and the machine
    # still powers off when the last user process ends.
    Case("k-flusher", spawn("/tests/wait", "/tests/pgrp") + " flusher=1", 37 + 21, timeout=60,
         expect=[r"^flusher: kflushd started \(pid \d+\)$", r"no processes left, powering off"],
         about="a kernel thread (kflushd) runs beside processes without changing wait/kill/power-off"),
    # (end of flusher)
    Case("g-forkbomb", spawn("/tests/forkbomb"), 5, timeout=150,
         about="bounded fork bomb: EAGAIN, recovery, free memory back to its level"),
    Case("g-execloop", spawn("/tests/execloop"), 4, timeout=90,
         about="200 fork+execve+wait and 50 posix_spawn cycles leak no page"),
    Case("g-concurrent", spawn("/tests/cow", "/tests/wait", "/tests/sigdefault", "/tests/basic"), 100,
         timeout=60, about="four test programs at once: isolation and wait/signal semantics under load"),
    # File layer (docs/testing.md): VFS, descriptors, pipes, /dev, /proc, tty ioctls.
    Case("f-basic", spawn("/tests/f_basic"), 115, compare="/tests/f_basic",
         about="open flags, close, read/write/readv/writev/pread/pwrite, lseek and holes, dup/dup3/fcntl, "
               "offsets shared by dup and fork, close-on-exec, 100 KB redirection round trip"),
    Case("f-names", spawn("/tests/f_names"), 268, compare="/tests/f_names",
         about="mkdir, getdents64, unlink/rmdir, renameat2, links, symlinks, cwd, access/chmod/utimensat/"
               "umask/truncate, unlinked open files, bad paths (ENOENT/ENOTDIR/ENAMETOOLONG/EFAULT)"),
    Case("f-pipe", spawn("/tests/f_pipe"), 63, compare="/tests/f_pipe",
         about="pipe2 flags, EOF, EPIPE/SIGPIPE, O_NONBLOCK and capacity, FIONREAD, PIPE_BUF atomicity, "
               "1 MiB to a slow reader, EINTR vs SA_RESTART, FIFOs"),
    Case("f-dev", spawn("/tests/f_dev"), 60,
         about="/dev/null, zero, random, urandom, console, tty; tty ioctls (TCGETS/TCSETS, window size, "
               "FIONREAD, ENOTTY); /proc/self, meminfo, uptime, /proc/<pid> of a child and a zombie"),
    Case("shell-session", "", 0, timeout=60, end="kernel: power off", must_exit=True,
         interact=[(PROMPT, "yes | head -n 1000 | wc -l\r"),
                   (PROMPT, "echo round trip > /tmp/r; cat /tmp/r; ls -l /tmp\r"),
                   (PROMPT, "sleep 1 &\r"),
                   (PROMPT, "jobs\r"),
                   (PROMPT, ("\r", 1.5)),        # sleep 1 has ended: the shell reports it
                   (PROMPT, "yes > /dev/null\r"),
                   (r"yes > /dev/null\r?\n", ("\x03", 1.0)),
                   (PROMPT, "echo status $?\r"),
                   (PROMPT, "nosuchcommand\r"),
                   (PROMPT, "cat &\r"),             # a background read from the terminal: SIGTTIN
                   (PROMPT, ("jobs\r", 1.0)),
                   (PROMPT, "kill -KILL %1\r"),
                   (PROMPT, ("\r", 0.5)),
                   (PROMPT, "poweroff\r")],
         expect=[r"^1000$", r"^round trip$", r"^-rw-r--r-- 1 0 0 11 r$", r"^\[1\] \d+$",
                 r"^\[1\]\+ Running +sleep 1 &$",
                 r"^\[1\]\+ Done +sleep 1", r"^status 130$", r"^sh: nosuchcommand: command not found$",
                 r"^\[1\]\+ Stopped.*cat",
                 r"^kernel: power off$"],
         about="a person at the console: pipeline, redirection, background job, Ctrl-C of yes, SIGTTIN"),
    Case("smp-parallel", spawn("/tests/parallel"), 1, extra=["-smp", "2"], exclusive=True, timeout=60,
         expect=[r"^rvix: 2 harts running$"],
         about="two CPU-bound processes on two harts finish in about the time of one"),
    # -- threads --
    Case("g-futex", spawn("/tests/futex_ops"), 54, compare="/tests/futex_ops",
         about="futex ops one by one: WAIT/WAKE, BITSET, REQUEUE, WAKE_OP, timeouts, errors, FIFO, shared"),
    Case("g-threads", spawn("/tests/threads"), 11,
         about="pthreads stress: mutex counter, condvars, barriers, cancel, join, TLS, 100 threads"),
    Case("g-threadsem", spawn("/tests/threadsem"), 31, compare="/tests/threadsem",
         about="thread groups: tids, tgkill, kill to a non-blocking thread, exit/exit_group/execve from threads, "
               "wait4 at group end, CLEARTID, clone3 errors, /proc/self/task, robust mutexes, group stop"),
    Case("g-threadpar", spawn("/tests/threadpar"), 2, extra=["-smp", "2"], exclusive=True, timeout=60,
         about="two threads of one process pass a token through memory at the same moment on two harts"),
    # (end of threads)
    # -- poll --
    Case("w-poll", spawn("/tests/poll"), 73, compare="/tests/poll", timeout=60,
         about="poll/ppoll/select on pipes, FIFOs, files, /dev/null: masks, wake-ups, timeouts written back, "
               "EINTR with and without SA_RESTART, ppoll/pselect signal masks, bad arguments"),
    Case("w-epoll", spawn("/tests/epoll"), 145, compare="/tests/epoll", timeout=60,
         about="epoll LT/ET/ONESHOT, MOD/DEL, nesting, errors; eventfd counter/semaphore/overflow; signalfd "
               "over blocked SIGUSR1; timerfd one-shot/periodic/absolute; an event loop over all of them"),
    Case("w-polltty", spawn("/tests/polltty"), 10, timeout=60,
         interact=[(r"polltty: type a line", "hello\r"), (r"polltty: type a key", "k")],
         about="the console under poll/select/epoll: idle, a canonical line, a raw-mode key"),
    Case("w-pollleak", spawn("/tests/pollleak"), 2, timeout=90,
         about="300 cycles of epoll/eventfd/timerfd/signalfd/pipe sets, ppoll and epoll_wait leak no page"),
    # (end of poll)
    # -- timers --
    Case("g-itimer", spawn("/tests/itimer"), 31, timeout=90, compare="/tests/itimer",
         about="alarm, setitimer/getitimer REAL/VIRTUAL/PROF, intervals, errors, fork clears, execve keeps"),
    Case("g-ptimer", spawn("/tests/ptimer"), 51, timeout=90, compare="/tests/ptimer",
         about="timer_create/settime/gettime/getoverrun/delete: SIGEV_SIGNAL/NONE/THREAD_ID, overruns, TIMER_ABSTIME, clocks"),
    Case("g-clocksleep", spawn("/tests/clocksleep"), 33, timeout=90, compare="/tests/clocksleep",
         about="clock_getres, clock_nanosleep relative/absolute, EINTR with time left, resume after stop, bad clocks"),
    Case("g-rusage", spawn("/tests/rusage"), 18, timeout=90, compare="/tests/rusage",
         about="getrusage self/children/thread: CPU times, maxrss, faults, switches; wait4 rusage; times()"),
    Case("g-timer-epoll", spawn("/tests/timer_epoll"), 8, timeout=90,
         about="a periodic POSIX timer drives an epoll loop through a self-pipe; EINTR and epoll_pwait's mask"),
    Case("g-rtwait", spawn("/tests/rtwait"), 8, timeout=60,
         about="absolute CLOCK_REALTIME waits (cond/sem/mutex timed waits, timerfd, timer_settime, "
               "clock_nanosleep) end when the wall clock gets there"),
    # (end of timers)
    # -- abi --
    Case("a-mount", spawn("/tests/a_mount"), 62,
         about="mount/umount2: tmpfs size= and statfs figures, /proc/mounts, remount ro (EROFS), EBUSY, "
               "MNT_DETACH, proc/devtmpfs/ramfs/bind mounts, noexec, bad arguments"),
    Case("a-meta", spawn("/tests/a_meta"), 57, compare="/tests/a_meta",
         about="umask at create, fchmod/fchown/fchownat, utimensat, readlinkat/symlinkat/linkat flags, "
               "renameat2 NOREPLACE/EXCHANGE, faccessat2, copy_file_range and sendfile"),
    Case("a-sched", spawn("/tests/a_sched"), 58,
         about="sched_setaffinity + getcpu on every hart, policies, nice, prctl (names in comm/stat, "
               "pdeathsig, dumpable), membarrier, rseq ENOSYS, riscv_flush_icache, riscv_hwprobe, uname, sysinfo"),
    Case("a-sigwait", spawn("/tests/a_sigwait"), 34,
         about="sigwaitinfo/sigtimedwait/sigwait, sigqueue values, rt_(tg)sigqueueinfo rules, "
               "waitid P_PID/P_PGID/P_ALL with WEXITED/WSTOPPED/WCONTINUED/WNOWAIT/WNOHANG"),
    Case("a-flock", spawn("/tests/a_flock"), 90,
         about="statx, xattr calls (EOPNOTSUPP), close_range, flock and fcntl record locks between "
               "processes, preadv/pwritev(2), fallocate, fadvise, readahead, sync_file_range"),
    Case("a-cred", spawn("/tests/a_cred"), 61,
         about="uid/gid get/set rules, groups, capget/capset, personality, mlock family, mincore, "
               "/proc/stat and /proc/loadavg, syslog (dmesg), the RTC's wall clock, clock_settime/settimeofday"),
    # (end of abi)
    # -- mm --
    Case("g-rwx", spawn("/tests/rwx"), 6, compare="/tests/rwx",
         expect=[r"^exec: pid \d+: a segment is writable and executable$"],
         about="RWX segments load and run (self-patching code), RWX mmap/mprotect JIT, Linux's mmap/mremap/madvise rules"),
    Case("g-mmapfile", spawn("/tests/mmapfile"), 30,
         about="page cache: MAP_SHARED visible to read()/fork/other mappers, msync, MAP_PRIVATE COW, "
               "SIGBUS past EOF, unlink while mapped, mmap errors, two runs of one program share its pages"),
    Case("g-procmaps", spawn("/tests/procmaps"), 7,
         about="/proc/self/maps: stack, anonymous and shared file lines; pthread_getattr_np finds the main stack; "
               "/proc/sys/kernel pid_max, tainted, ostype/osrelease"),
    # (end of mm)
    # -- dynlink --
    # Dynamically linked programs (docs/elf-and-initramfs.md). Each runs under /tests/dyn_run
    # (as /tests/dynrun-NAME), which adds two oks: exit status 0 and an empty /proc/enosys.
    Case("dyn-hello", spawn("/tests/dynrun-hello"), 11,
         about="PT_INTERP: ld.so loads libc.so.6; AT_BASE/AT_PHDR/AT_ENTRY/AT_EXECFN seen from main"),
    Case("dyn-nopie", spawn("/tests/dynrun-nopie"), 6,
         about="a dynamic ET_EXEC (-no-pie) program: at its link address, ld.so at the mmap top"),
    Case("dyn-libm", spawn("/tests/dynrun-libm"), 8,
         about="libm.so.6 as DT_NEEDED: sqrt, trig, exp/log, pow, cbrt computed at run time"),
    Case("dyn-dlopen", spawn("/tests/dynrun-dlopen"), 17,
         about="dlopen via the search path, dlsym (call, PLT into libc, data, TLS), dlclose runs the "
               "destructor and unmaps, dlopen/dlsym errors, libm by absolute path"),
    Case("dyn-needed", spawn("/tests/dynrun-needed"), 6,
         about="a DT_NEEDED library of ours from /usr/lib: constructor, call, data, TLS"),
    Case("dyn-forkexec", spawn("/tests/dynrun-forkexec"), 10,
         about="fork+exec of dynamic and static programs, ld.so run as a program (and --list), "
               "25 posix_spawns leaking no page, execve of a dynamic program over a dynamic one"),
    Case("dyn-errors", spawn("/tests/dynrun-errors"), 14,
         about="PT_INTERP errors: missing (ENOENT), short (EIO), truncated/not ELF (ELIBBAD), no x or a "
               "directory (EACCES), unterminated/too long/too short (ENOEXEC); chained PT_INTERP ignored; "
               "an ET_EXEC interpreter runs; 180 failed execs leak no page"),
    # user/tests programs linked dynamically: the same checks as g-basic, g-signals, f-basic.
    Case("dyn-basic", spawn("/tests/dynrun-basic"), 5 + 2,
         about="g-basic's program linked dynamically"),
    Case("dyn-threads", spawn("/tests/dynrun-threads"), 11 + 2, timeout=90,
         about="g-threads' pthreads stress built as a plain `gcc -pthread` (dynamic) program"),
    Case("dyn-futex", spawn("/tests/dynrun-futex_ops"), 54 + 2,
         about="g-futex's futex op checks linked dynamically"),
    Case("dyn-timer-epoll", spawn("/tests/dynrun-timer_epoll"), 8 + 2, timeout=90,
         about="timer_create + epoll linked dynamically"),
    Case("dyn-signals", spawn("/tests/dynrun-signals"), 62 + 2,
         expect=[killed("/tests/dyn_signals", "(?:load|store) page fault"),
                 killed("/tests/dyn_signals", "bad signal frame")],
         about="g-signals' program linked dynamically"),
    Case("dyn-f-basic", spawn("/tests/dynrun-f_basic"), 115 + 2,
         about="f-basic's program linked dynamically"),
    # (end of dynlink)
    # -- fs --
    # ext2 on virtio-blk (docs/testing.md, "File-system suite"): /tests/fs_ext2 mounts /dev/vda
    # (an mke2fs image with a seed tree) at /mnt and /dev/vdb (2 MiB, for ENOSPC) at /mnt2; after
    # QEMU exits e2fsck -fn must be clean on both and debugfs must read back what it wrote.
    Case("fs-ext2-1k", spawn("/tests/fs_ext2"), FS_OKS, timeout=240,
         disks=fs_disks(1024, True), post=fs_post,
         about="ext2 with 1 KiB blocks: the fs_ext2 suite, then e2fsck -fn and a debugfs read-back"),
    Case("fs-ext2-4k", spawn("/tests/fs_ext2"), FS_OKS, timeout=240,
         disks=fs_disks(4096, True), post=fs_post,
         about="ext2 with 4 KiB blocks: the fs_ext2 suite, then e2fsck -fn and a debugfs read-back"),
    Case("fs-ext2-nosparse", spawn("/tests/fs_ext2"), FS_OKS, timeout=240,
         disks=fs_disks(1024, False), post=fs_post, virtio_modern=True,
         about="ext2 without sparse_super (backups in every group), modern virtio-mmio"),
    # (end of fs)
    # -- ltp --
    # (end of ltp)
    # -- blk --
    Case("blk", spawn("/tests/dyn_blkdev"), 28, timeout=60, disks=blk_disks, post=blk_post,
         expect=[r"^blk: vdb1: sectors 2048-6143$", r"^blk: vdc: partition table entry 1 .* table ignored$"],
         about="virtio-blk (legacy transport): /dev/vda raw reads/writes at any offset, end of disk, "
               "ioctls, 4 concurrent readers, a read-only disk (EROFS), blkdebug-injected EIO"),
    Case("blk-modern", spawn("/tests/dyn_blkdev"), 28, timeout=60, disks=blk_disks, post=blk_post,
         expect=[r"^blk: vdb1: sectors 2048-6143$", r"^blk: vdc: partition table entry 1 .* table ignored$"],
         virtio_modern=True, about="the blk case over the modern (version 2) virtio-mmio transport"),
    Case("blk-timeout", spawn("/tests/dyn_blkdev"), 3, timeout=120, disks=blk_slow_disk,
         expect=[r"^vblk: vda: request timed out; the disk is marked failed, its requests get EIO$"],
         about="a request the device does not finish within 10 s fails with EIO, the disk is marked "
               "failed and later requests fail at once (QEMU's throttling makes the disk that slow)"),
    Case("blk-root", "root=/dev/vda", 0, timeout=90, end="kernel: power off", must_exit=True,
         disks=blk_root_disk, post=blk_fsck,
         interact=[(PROMPT, "cat /MARKER\r"), (PROMPT, "mount\r"), (PROMPT, "echo written > /tmp/w; cat /tmp/w\r"),
                   (PROMPT, "poweroff\r")],
         expect=[r"^rvix: root file system: /dev/vda \(ext2\)$", r"^root from the disk$",
                 r"^/dev/vda / ext2 ", r" /proc proc ", r"^written$"],
         reject=[r"^/dev/vda /home "],      # init must not mount the root disk a second time
         about="root=/dev/vda: init and the shell run from an ext2 root file system on virtio-blk"),
    Case("blk-root-fallback", "root=/dev/vdq " + spawn("/bin/hello"), 0,
         expect=[r"^rvix: cannot mount root=/dev/vdq \(ext2\): error \d+; keeping the initramfs as /$",
                 r"^hello from pid \d+"],
         about="a root= that cannot be mounted leaves the initramfs as / with a console line"),
    Case("blk-home", "", 0, timeout=60, end="kernel: power off", must_exit=True, disks=blk_home_disk,
         post=blk_home_post,
         interact=[(PROMPT, "mount\r"), (PROMPT, "df\r"), (PROMPT, "ls -l /dev/vda\r"),
                   (PROMPT, "cat /home/README\r"), (PROMPT, "echo written at the prompt > /home/note\r"),
                   (PROMPT, "mount -t ext2 /dev/vda /tmp\r"), (PROMPT, "poweroff\r")],
         expect=[r"^init: /dev/vda \(ext2\) mounted on /home$", r"^/dev/vda +\d+ +\d+ +\d+ +\d+% /home$",
                 r"^This is /home on build/disk.img",
                 r" /proc proc ", r"^Filesystem +1K-blocks +Used +Available +Use% Mounted on$",
                 r"^brw-rw---- 1 0 0 +254, +0 .*/dev/vda$",
                 # a second mount of a mounted disk would corrupt it: refused
                 r"^ext2 vda: already mounted", r"^mount: /tmp: Device or resource busy$"],
         about="make run's disk: mkdiskimg.py's ext2 image mounted on /home by init; mount lists /proc/mounts, "
               "df, /dev/vda is a block device; a file written at the prompt is in the image after poweroff"),
    # (end of blk)
]



@dataclass
class Run:
    lines: List[str]
    end_seen: bool = False
    exited: bool = False        # QEMU exited by itself
    returncode: Optional[int] = None
    timed_out: bool = False
    interact_failed: str = ""   # an interact step whose prompt never came
    error: str = ""             # could not run at all


SMP = None     # --smp N: the number of harts for every case (the args file says 1)
PREFIX = "guest"  # results are named PREFIX/<case>[/<check>]


def qemu_base_args() -> List[str]:
    with open(ARGS_FILE) as f:
        args = [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
    if SMP is not None and "-smp" in args:
        args[args.index("-smp") + 1] = str(SMP)
    return args


def disk_args(case: Case, images: List) -> List[str]:
    """-drive/-device pairs for the case's disk images (see the docstring)."""
    args = ["-global", "virtio-mmio.force-legacy=false"] if case.virtio_modern else []
    for n, img in enumerate(images):
        path, opts = (img, "") if isinstance(img, str) else img
        drive = "file=%s,format=raw,if=none,id=d%d" % (path, n) + ("," + opts if opts else "")
        args += ["-drive", drive, "-device", "virtio-blk-device,drive=d%d" % n]
    return args


def case_dir(case: Case) -> str:
    return os.path.join(LOG_DIR, case.name + ".disks")


def command(case: Case, images: Optional[List] = None) -> List[str]:
    base = qemu_base_args()
    if "-smp" in case.extra and "-smp" in base:    # the case fixes its own hart count
        i = base.index("-smp")
        del base[i:i + 2]
    return ([QEMU] + base + ["-bios", FIRMWARE[case.firmware],
            "-kernel", KERNEL, "-append", case.bootargs] + case.extra + disk_args(case, images or []))


def kill_group(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def boot(case: Case, timeout: float, images: Optional[List] = None) -> Run:
    """Boot once; stop at the end line (plus a grace period), QEMU's exit or the timeout."""
    run = Run(lines=[])
    log_path = os.path.join(LOG_DIR, case.name + ".log")
    end_event = threading.Event()
    try:
        p = subprocess.Popen(command(case, images), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if case.input is not None or case.interact
                             else subprocess.DEVNULL,
                             start_new_session=True)
    except OSError as e:
        run.error = "cannot start %s: %s" % (QEMU, e)
        return run

    raw = bytearray()           # everything QEMU printed, for interact steps (prompts lack newlines)
    raw_cond = threading.Condition()

    def reader() -> None:
        pending = b""
        with open(log_path, "w", encoding="utf-8") as log:
            for chunk in iter(lambda: os.read(p.stdout.fileno(), 4096), b""):
                with raw_cond:
                    raw.extend(chunk)
                    raw_cond.notify_all()
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for rawline in complete:
                    line = rawline.decode("utf-8", "replace").replace("\r", "")
                    run.lines.append(line)
                    log.write(line + "\n")
                    if case.end in line:
                        end_event.set()
                log.flush()
            if pending:
                run.lines.append(pending.decode("utf-8", "replace").replace("\r", ""))

    def driver() -> None:
        """Type each step's text once its regex has appeared after the previous step's match."""
        pos = 0
        for expect, text in case.interact:
            rx = re.compile(expect)
            with raw_cond:
                while True:
                    m = rx.search(raw.decode("utf-8", "replace"), pos)
                    if m or end_event.is_set() or p.poll() is not None:
                        break
                    raw_cond.wait(0.2)
            if not m:
                run.interact_failed = "never saw /%s/" % expect
                return
            pos = m.end()
            if isinstance(text, tuple):     # (text, seconds to wait before typing it)
                text, delay = text
                time.sleep(delay)
            try:
                p.stdin.write(text.encode())
                p.stdin.flush()
            except OSError:
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    if case.interact:
        threading.Thread(target=driver, daemon=True).start()
    if case.input is not None:
        try:
            p.stdin.write(case.input)
            p.stdin.flush()
        except OSError:
            pass

    deadline = time.monotonic() + timeout
    while True:
        if p.poll() is not None:
            run.exited, run.returncode = True, p.returncode
            break
        if end_event.is_set():
            try:
                run.returncode = p.wait(EXIT_GRACE)
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
    if case.input is not None or case.interact:
        try:
            p.stdin.close()
        except OSError:
            pass
    run.end_seen = end_event.is_set()
    return run


def judge(case: Case, run: Run, timeout: float) -> (List[str], List[str]):
    """Returns (result lines for the assertions, reasons the case failed)."""
    results, why = [], []
    seen = {}

    def unique(name: str) -> str:
        seen[name] = seen.get(name, 0) + 1
        return name if seen[name] == 1 else "%s#%d" % (name, seen[name])

    oks = fails = 0
    for line in run.lines:
        m = NOT_OK_RE.match(line)
        if m:
            fails += 1
            results.append("FAIL %s/%s/%s: %s" % (PREFIX, case.name, unique(m.group(1)),
                                                     m.group(2) or "(no reason given)"))
            continue
        m = OK_RE.match(line)
        if m:
            oks += 1
            results.append("PASS %s/%s/%s" % (PREFIX, case.name, unique(m.group(1))))

    if run.error:
        return results, [run.error]
    if run.interact_failed:
        why.append("interaction stopped: " + run.interact_failed)
    if run.timed_out:
        why.append("timed out after %gs" % timeout)
    elif case.panics and not run.exited:
        why.append("QEMU did not power off after the panic")
    elif not run.end_seen and run.returncode not in (0, None) and not case.panics:
        why.append("QEMU exited with status %s before the kernel's end line" % run.returncode)
    elif case.must_exit and not (run.end_seen and run.exited):
        why.append("QEMU did not exit by itself within %gs of the line '%s'" % (EXIT_GRACE, case.end))
    text = "\n".join(run.lines)
    if not BANNER_RE.search(text):
        why.append("no boot banner (a line starting with 'rvix:')")
    panics = [ln for ln in run.lines if "panic:" in ln]
    if panics and not case.panics:
        why.append("kernel panic: " + panics[0].strip())
    if case.panics and not panics:
        why.append("expected a kernel panic, none happened")
    if fails:
        why.append("%d assertion%s failed" % (fails, "" if fails == 1 else "s"))
    if oks != case.oks:
        why.append("expected %d 'ok' lines, got %d" % (case.oks, oks))
    expect_res = [re.compile(e, re.M) for e in case.expect]
    for e, rx in zip(case.expect, expect_res):
        if not rx.search(text):
            why.append("missing line matching /%s/" % e)
    for r in case.reject:
        m = re.search(r, text, re.M)
        if m:
            why.append("unexpected line matching /%s/: %s" % (r, m.group(0).strip()))
    for ln in run.lines:
        if KILL_RE.search(ln) and not any(rx.search(ln) for rx in expect_res):
            why.append("unexpected: " + ln.strip())
    # /proc/enosys is part of the verdict: every unimplemented call must be one the case expects.
    called = set()
    for ln in run.lines:
        m = ENOSYS_RE.match(ln)
        if m:
            called.add("beyond" if m.group(1) else int(m.group(2)))
    expected = set(case.enosys)
    if called - expected:
        why.append("unimplemented system calls made: %s (kernel: enosys lines)" %
                   ", ".join(str(n) for n in sorted(called - expected, key=str)))
    if run.end_seen and expected - called:
        why.append("expected unimplemented calls not made: %s" %
                   ", ".join(str(n) for n in sorted(expected - called, key=str)))
    return results, why


def run_case(case: Case, scale: float, verbose: bool) -> List[str]:
    timeout = case.timeout * scale
    out = []
    images, disk_error = [], ""
    if case.disks:
        d = case_dir(case)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        try:
            images = case.disks(d)
        except Exception as e:      # a missing host tool, a full disk: the case fails, not the run
            disk_error = "cannot make the disk images: %s" % e
    if verbose:
        out.append("# %s: %s" % (case.name, " ".join(
            "'%s'" % a if (" " in a or not a) else a for a in command(case, images))))
    fw = FIRMWARE[case.firmware]
    if disk_error:
        run = Run(lines=[], error=disk_error)
    elif fw != "default" and not os.path.exists(fw):
        run = Run(lines=[], error="firmware %s not found (install opensbi)" % fw)
    else:
        started = time.monotonic()
        run = boot(case, timeout, images)
        if verbose:
            out.append("# %s: %.1fs, end line %s, QEMU %s" % (
                case.name, time.monotonic() - started, "seen" if run.end_seen else "not seen",
                "exited %s" % run.returncode if run.exited else "killed"))
    results, why = judge(case, run, timeout)
    if case.post and not run.error:
        try:
            why.extend(case.post(images, run))
        except Exception as e:
            why.append("post check raised %s: %s" % (type(e).__name__, e))
    out.extend(results)
    if why:
        out.append("FAIL %s/%s: %s" % (PREFIX, case.name, "; ".join(why)))
    else:
        out.append("PASS %s/%s" % (PREFIX, case.name))
    shown = run.lines if verbose else (run.lines[-TAIL_LINES:] if why else [])
    if shown:
        if not verbose:
            out.append("    --- last %d lines of %s/%s.log ---" % (len(shown), LOG_DIR, case.name))
        out.extend("    | " + ln for ln in shown)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description="Run the guest test cases under QEMU.")
    ap.add_argument("--case", action="append", metavar="NAME", help="run only this case (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--verbose", "-v", action="store_true", help="show QEMU commands and whole logs")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="cases run at once (default 2)")
    ap.add_argument("--smp", type=int, help="harts for every case (results are named guest-smpN/...)")
    args = ap.parse_args()
    global SMP, LOG_DIR, PREFIX
    if args.smp:
        SMP, LOG_DIR, PREFIX = args.smp, "build/guest-smp%d" % args.smp, "guest-smp%d" % args.smp
    os.chdir(ROOT)

    if args.list:
        for c in CASES:
            print("%-14s %s [%s] %s" % (c.name, c.about, c.firmware, c.bootargs))
        return 0

    cases = CASES
    if args.case:
        by_name = {c.name: c for c in CASES}
        unknown = [n for n in args.case if n not in by_name]
        if unknown:
            print("qemu-test: unknown case %s (see --list)" % ", ".join(unknown), file=sys.stderr)
            return 2
        cases = [by_name[n] for n in args.case]
    # -- fs -- until the ext2 driver is in the tree its cases are skipped (counted neither way)
    if not (os.path.isdir(os.path.join(ROOT, "kernel/fs/ext2")) and os.path.exists(os.path.join(ROOT, "kernel/dev/virtio_blk.c"))):
        for c in cases:
            if c.post is fs_post:
                print("SKIP %s/%s: ext2 or virtio-blk (kernel/fs/ext2, kernel/dev/virtio_blk.c) not in this tree" % (PREFIX, c.name))
        cases = [c for c in cases if c.post is not fs_post]
    # (end of fs)

    if shutil.which(QEMU) is None:
        print("FAIL guest: %s not found (install qemu-system-misc)" % QEMU)
        return 1
    if not os.path.isfile(KERNEL):
        print("FAIL guest: %s not found (run make)" % KERNEL)
        return 1
    try:
        qemu_base_args()
    except OSError as e:
        print("FAIL guest: cannot read %s: %s" % (ARGS_FILE, e))
        return 1
    os.makedirs(LOG_DIR, exist_ok=True)
    with open(BAD_INITRD, "wb") as f:
        f.write(b"070701" + b"zz" * 200)

    try:
        scale = float(os.environ.get("QEMU_TEST_TIMEOUT_SCALE", "1"))
    except ValueError:
        scale = 1.0
    failed = False
    shared = [c for c in cases if not c.exclusive]
    alone = [c for c in cases if c.exclusive]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for out in ex.map(lambda c: run_case(c, scale, args.verbose), shared):
            print("\n".join(out), flush=True)
            failed |= any(ln.startswith("FAIL ") for ln in out)
    for c in alone:
        out = run_case(c, scale, args.verbose)
        print("\n".join(out), flush=True)
        failed |= any(ln.startswith("FAIL ") for ln in out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
