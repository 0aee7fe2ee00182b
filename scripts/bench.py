#!/usr/bin/env python3
"""Run the rvix micro-benchmarks (user/bench/) and print one table (docs/benchmarks.md).

  scripts/bench.py              the full suite (make bench):
                                  1. QEMU with -icount shift=0,sleep=off: guest instructions per operation
                                     and the kernel's event counters (/proc/counters);
                                  2. QEMU in real time: ns per operation, median of 5 passes;
                                  3. the host build, natively: ns per operation, median of 5;
                                  4. boot cost in instructions (-icount, QEMU's execution log);
                                prints the table and writes build/bench/results.md (and .json)
  scripts/bench.py --smoke      every benchmark once in the guest with tiny counts; prints
                                PASS bench/<name> or FAIL bench/<name>: why (for make test)
  scripts/bench.py --trapflow   boot the trap-flow scenario with trace=1 (under -icount, so
                                time stamps count instructions) and render it with
                                scripts/trapflow into build/trapflow.{txt,svg} (make trapflow)

Options: --skip-wall, --skip-host, --skip-boot (parts of the full suite), --verbose.
Environment: QEMU (the QEMU binary), BENCH_TIMEOUT_SCALE (multiplies every timeout).
The programs must be built first (make bench / make bench-smoke / make trapflow do it).
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
BUILD = "build"
KERNEL = os.path.join(BUILD, "kernel.bin")
OUT_DIR = os.path.join(BUILD, "bench")
HOST_DIR = os.path.join(BUILD, "bench-host")
ARGS_FILE = "platform/qemu-virt/qemu.args"
KERNEL_LOAD = 0x80200000        # where QEMU's virt machine loads -kernel for RV64 (OpenSBI jumps here)

# What every benchmark must report (run-all.c runs them in this order). Optional ops may be
# replaced by a "note" line saying why they were skipped.
SUITE = [
    ("lat_syscall", ["null", "read0", "write1"], []),
    ("lat_ctx", ["2p_roundtrip", "8p_hop", "32p_hop"], []),
    ("lat_proc", ["fork_exit", "fork_exec"], ["fork_sh"]),
    ("lat_pagefault", ["demand_zero", "cow"], []),
    ("lat_sig", ["install", "catch"], []),
    ("bw_pipe", ["64k"], []),
    ("lat_mmap", ["map_touch_unmap"], []),
]

RESULT_RE = re.compile(r"^result (\S+) (\S+)((?: \S+=\S+)*)\s*$")
NOTE_RE = re.compile(r"^note (\S+) (\S+?): (.*)$")
BEGIN_RE = re.compile(r"^begin (\S+) pass=(\d+)$")
END_RE = re.compile(r"^end (\S+) pass=(\d+) status=(.*)$")
KILL_RE = re.compile(r"^kernel: pid \d+ \((.*)\) killed: (.*)$")
PANIC_RE = re.compile(r"panic:")
SUITE_DONE = "suite done"
POWER_OFF_LINES = ("kernel: no processes left, powering off", "kernel: power off")

TIMEOUT_SCALE = float(os.environ.get("BENCH_TIMEOUT_SCALE", "1") or 1)


# ---------------------------------------------------------------------------------------------
# Running QEMU

def qemu_base_args() -> List[str]:
    with open(ARGS_FILE) as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]


def qemu_command(bootargs: str, icount: bool, extra: Optional[List[str]] = None) -> List[str]:
    cmd = [QEMU] + qemu_base_args() + ["-bios", "default", "-kernel", KERNEL, "-append", bootargs]
    if icount:
        # One instruction = 1 ns of virtual time. sleep=off: an idle hart jumps to the next timer
        # deadline at once instead of waiting in real time, so runs repeat exactly.
        cmd += ["-icount", "shift=0,sleep=off"]
    return cmd + (extra or [])


class Boot:
    """One QEMU run: the console lines, how it ended."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.exited = False
        self.returncode: Optional[int] = None
        self.timed_out = False
        self.error = ""
        self.seconds = 0.0
        self.partial = ""       # output after the last newline (a prompt, say)


def kill_group(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_console(cmd: List[str], timeout: float, log_path: str, done: Optional[str] = None,
                grace: float = 5.0, respond=None) -> Boot:
    """Run cmd (QEMU or a host program), log its output, stop when it exits, when a line
    containing `done` was seen (after `grace` seconds for it to exit by itself), or at the
    timeout. respond=(regex, bytes, seconds): once the output not yet ended by a newline
    matches the regex (a prompt), type the bytes that many seconds later."""
    b = Boot()
    seen = threading.Event()
    started = time.monotonic()
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if respond else subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        b.error = "cannot start %s: %s" % (cmd[0], e)
        return b

    answer = [respond] if respond else []

    def type_in(data: bytes) -> None:
        try:
            p.stdin.write(data)
            p.stdin.flush()
        except (OSError, ValueError):
            pass

    def reader() -> None:
        # Raw reads, not readline: a prompt is a line without its newline yet (b.partial).
        fd = p.stdout.fileno()
        pending = b""
        with open(log_path, "wb") as log:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunk = chunk.replace(b"\r", b"")
                log.write(chunk)
                log.flush()
                parts = (pending + chunk).split(b"\n")
                pending = parts.pop()
                for raw in parts:
                    line = raw.decode("utf-8", "replace")
                    b.lines.append(line)
                    if done is not None and done in line:
                        seen.set()
                b.partial = pending.decode("utf-8", "replace")
                if answer and answer[0][0].search(b.partial):
                    threading.Timer(answer[0][2], type_in, (answer[0][1],)).start()
                    answer.clear()
        if pending:
            b.lines.append(pending.decode("utf-8", "replace"))
            b.partial = ""

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline = started + timeout * TIMEOUT_SCALE
    while True:
        if p.poll() is not None:
            b.exited, b.returncode = True, p.returncode
            break
        if seen.is_set():
            try:
                b.returncode = p.wait(grace)
                b.exited = True
            except subprocess.TimeoutExpired:
                pass
            break
        if time.monotonic() >= deadline:
            b.timed_out = True
            break
        seen.wait(0.05)
    kill_group(p)
    p.wait()
    t.join(5)
    b.seconds = time.monotonic() - started
    return b


def boot_guest(bootargs: str, icount: bool, timeout: float, log_name: str, done: Optional[str] = None,
               extra: Optional[List[str]] = None) -> Boot:
    return run_console(qemu_command(bootargs, icount, extra), timeout, os.path.join(OUT_DIR, log_name),
                       done=done)


def boot_problems(b: Boot, what: str) -> List[str]:
    """Why a run of the suite is not to be trusted (empty if it is fine)."""
    why = []
    if b.error:
        return [b.error]
    if b.timed_out:
        why.append("%s timed out after %.0fs" % (what, b.seconds))
    panics = [ln for ln in b.lines if PANIC_RE.search(ln)]
    if panics:
        why.append("%s: kernel %s" % (what, panics[0].strip()))
    if SUITE_DONE not in b.lines:
        why.append("%s: run-all did not finish (no '%s' line)" % (what, SUITE_DONE))
    return why


# ---------------------------------------------------------------------------------------------
# Parsing the benchmarks' output

def parse_value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def parse_results(lines: List[str]) -> List[Tuple[str, str, Dict[str, float]]]:
    out = []
    for ln in lines:
        m = RESULT_RE.match(ln.strip())
        if not m:
            continue
        kv = {}
        for item in m.group(3).split():
            k, _, v = item.partition("=")
            kv[k] = parse_value(v)
        out.append((m.group(1), m.group(2), kv))
    return out


def parse_notes(lines: List[str]) -> List[Tuple[str, str, str]]:
    out = []
    for ln in lines:
        m = NOTE_RE.match(ln.strip())
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def medians(results: List[Tuple[str, str, Dict[str, float]]]) -> Dict[Tuple[str, str], Dict[str, float]]:
    """Per (bench, op) and key, the median over every run reported."""
    runs: Dict[Tuple[str, str], Dict[str, List[float]]] = {}
    for bench, op, kv in results:
        d = runs.setdefault((bench, op), {})
        for k, v in kv.items():
            d.setdefault(k, []).append(v)
    out = {}
    for key, d in runs.items():
        out[key] = {}
        for k, vs in d.items():
            good = [v for v in vs if math.isfinite(v)]
            out[key][k] = statistics.median(good) if good else float("nan")
        out[key]["runs"] = max(len(vs) for vs in d.values())
    return out


def op_order(*tables: Dict[Tuple[str, str], Dict[str, float]]) -> List[Tuple[str, str]]:
    """Operations in suite order, then anything else reported, in order of appearance."""
    seen = []
    for bench, ops, opt in SUITE:
        for op in ops + opt:
            if any((bench, op) in t for t in tables):
                seen.append((bench, op))
    for t in tables:
        for key in t:
            if key not in seen:
                seen.append(key)
    return seen


# ---------------------------------------------------------------------------------------------
# Smoke run (make test)

def check_values(kv: Dict[str, float]) -> List[str]:
    bad = []
    for k, v in kv.items():
        if not math.isfinite(v):
            bad.append("%s=%s" % (k, v))
        elif k in ("ns_per_op", "cycles_per_op", "instret_per_op", "mib_per_s") and v <= 0:
            bad.append("%s=%s (not positive)" % (k, v))
        elif v < 0:
            bad.append("%s=%s (negative)" % (k, v))
    for k in ("ns_per_op", "cycles_per_op", "instret_per_op"):
        if k not in kv:
            bad.append("no %s" % k)
    return bad


def judge_smoke(lines: List[str], b: Boot) -> List[str]:
    """PASS/FAIL lines, one per benchmark, from the console of a run-smoke boot."""
    out = []
    # Cut the log into per-benchmark segments: from "begin X" to "end X".
    segs: Dict[str, List[str]] = {}
    ended: Dict[str, str] = {}
    cur = None
    for ln in lines:
        s = ln.strip()
        m = BEGIN_RE.match(s)
        if m:
            cur = m.group(1)
            segs[cur] = []
            continue
        m = END_RE.match(s)
        if m and m.group(1) == cur:
            ended[cur] = m.group(3)
            cur = None
            continue
        if cur is not None:
            segs[cur].append(ln)
    for bench, ops, optional in SUITE:
        why = []
        if bench not in segs:
            why.append("never started (%s)" % ("timed out" if b.timed_out else "the run ended earlier"))
        else:
            seg = segs[bench]
            if bench not in ended:
                why.append("no end line (%s)" % ("timed out" if b.timed_out else "hung or the machine stopped"))
            elif ended[bench] != "0":
                why.append("exit status %s" % ended[bench])
            for ln in seg:
                m = KILL_RE.match(ln.strip())
                if m:
                    why.append("killed: %s (%s)" % (m.group(2), m.group(1)))
                if PANIC_RE.search(ln):
                    why.append("kernel " + ln.strip())
                if ln.startswith("error "):
                    why.append(ln.strip())
            res = {op: kv for bn, op, kv in parse_results(seg) if bn == bench}
            notes = {op for bn, op, _ in parse_notes(seg) if bn == bench}
            if not res:
                why.append("no result line")
            for op in ops:
                if res and op not in res:
                    why.append("no result for %s" % op)
            for op in optional:
                if op not in res and op not in notes:
                    why.append("neither a result nor a note for %s" % op)
            for op, kv in res.items():
                bad = check_values(kv)
                if bad:
                    why.append("%s: %s" % (op, ", ".join(bad)))
        if why:
            out.append("FAIL bench/%s: %s" % (bench, "; ".join(why)))
        else:
            out.append("PASS bench/%s" % bench)
    return out


def smoke(verbose: bool) -> int:
    b = boot_guest("init=/bench/run-smoke", icount=False, timeout=40, log_name="smoke.log", done=SUITE_DONE)
    if b.error:
        print("FAIL bench/boot: %s" % b.error)
        return 1
    out = judge_smoke(b.lines, b)
    if "suite mode=smoke passes=1" not in [ln.strip() for ln in b.lines]:
        out.insert(0, "FAIL bench/boot: /bench/run-smoke did not start (see %s/smoke.log)" % OUT_DIR)
    failed = any(ln.startswith("FAIL") for ln in out)
    print("\n".join(out))
    if verbose or failed:
        tail = b.lines if verbose else b.lines[-20:]
        print("    --- %s of %s/smoke.log (%.1fs) ---" % ("all" if verbose else "last 20 lines", OUT_DIR, b.seconds))
        print("\n".join("    | " + ln for ln in tail))
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# Boot cost: instructions from reset, at the kernel entry and later, read under -icount

def singlestep_count(bootargs: str, stop_pc: int, log_name: str, timeout: float) -> Tuple[Optional[int], str]:
    """Boot with one instruction per translation block and QEMU's execution log, and count
    the instructions executed from reset until the first time pc == stop_pc (not counting
    that one). An instruction that traps is logged, and so counted, once per attempt."""
    cmd = qemu_command(bootargs, icount=False, extra=["-singlestep", "-d", "exec,nochain", "-D", "/dev/stderr"])
    needle = ("/%016x/" % stop_pc).encode()
    count, found, why = 0, None, ""
    started = time.monotonic()
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             start_new_session=True)
    except OSError as e:
        return None, "cannot start %s: %s" % (QEMU, e)
    deadline = started + timeout * TIMEOUT_SCALE
    try:
        for line in p.stderr:
            if line.startswith(b"Trace "):
                if needle in line:
                    found = count
                    break
                count += 1
                if not count & 0xfffff and time.monotonic() > deadline:
                    why = "timed out after %d instructions" % count
                    break
            elif count == 0 and b"singlestep" in line.lower():
                why = line.decode("utf-8", "replace").strip()
    finally:
        kill_group(p)
        p.wait()
    with open(os.path.join(OUT_DIR, log_name), "w") as f:
        f.write("%s\n%s after %.1fs: %s\n" % (" ".join(cmd), "stopped at 0x%x" % stop_pc if found is not None
                                               else "never reached 0x%x" % stop_pc, time.monotonic() - started,
                                               found if found is not None else why))
    return found, why or "pc 0x%x never executed" % stop_pc


PROMPT_RE = re.compile(r"[#$] $")


def boot_cost(verbose: bool) -> Tuple[List[dict], List[str]]:
    """Rows for the table and notes: where the instructions of a boot go."""
    rows, notes = [], []
    # 1. Reset to the kernel's first instruction: counted one by one (no -icount needed).
    entry, why = singlestep_count("init=/bench/hello", KERNEL_LOAD, "boot-entry.log", 180)
    if entry is None:
        notes.append("boot: could not count the instructions before the kernel entry: %s" % why)
    else:
        rows.append({"op": "boot: reset to kernel entry (ROM + OpenSBI)", "instr": entry})

    # 2. /bench/hello as init prints rdinstret first thing in main: under -icount with
    # sleep=off that is the number of instructions since reset (nothing idled before).
    b = boot_guest("init=/bench/hello", icount=True, timeout=60, log_name="boot-hello.log",
                   done="no processes left")
    m = None
    for ln in b.lines:
        m = re.match(r"^hello pid=\d+ instret=(\d+) ", ln.strip()) or m
    if m is None:
        notes.append("boot: /bench/hello printed no instret line (see %s/boot-hello.log)" % OUT_DIR)
    elif entry is not None:
        rows.append({"op": "boot: kernel entry to main() of init=/bench/hello", "instr": int(m.group(1)) - entry})
    else:
        rows.append({"op": "boot: reset to main() of init=/bench/hello", "instr": int(m.group(1))})

    # 3. To the shell prompt: the default init starts the shell, which prints its prompt and
    # blocks reading the console; then nothing is runnable and the trace (trace=1) records
    # "switch ... to=idle". Its time stamp is virtual time = instructions since reset. The
    # command that prints the trace is typed a second later, when the hart is long idle.
    rootfs = os.path.join(BUILD, "rootfs")
    if not (os.path.exists(os.path.join(rootfs, "init")) and os.path.exists(os.path.join(rootfs, "bin/sh"))):
        notes.append("boot to the shell prompt: not measured, the initramfs has no /init or /bin/sh")
        return rows, notes
    b = run_console(qemu_command("trace=1", True), 90, os.path.join(OUT_DIR, "boot-prompt.log"),
                    done="kernel: power off", respond=(PROMPT_RE, b"cat /proc/trace\npoweroff\n", 1.0))
    trace = []
    for ln in b.lines:
        m = re.match(r"^(\d+) \d+ (\w+)(.*)$", ln.strip())
        if m:
            trace.append((int(m.group(1)), m.group(2), dict(kv.split("=", 1) for kv in m.group(3).split() if "=" in kv)))
    idle = next((i for i, (_, ev, kv) in enumerate(trace) if ev == "switch" and kv.get("to") == "idle"), None)
    if idle is None:
        notes.append("boot to the shell prompt: no 'switch ... to=idle' in the trace (see %s/boot-prompt.log)" % OUT_DIR)
        return rows, notes
    ns, _, kv = trace[idle]
    who = kv.get("from", "?")
    calls = [int(k.get("nr", -1)) for _, ev, k in trace[:idle] if ev == "syscall" and k.get("pid") == who]
    if entry is not None:
        rows.append({"op": "boot: kernel entry to the shell prompt (trace=1)", "instr": ns - entry})
    else:
        rows.append({"op": "boot: reset to the shell prompt (trace=1)", "instr": ns})
    if calls[-2:] != [64, 63]:
        notes.append("boot to the shell prompt: pid %s's last calls before the first idle were %s, not write "
                     "(the prompt) then read" % (who, calls[-2:]))
    return rows, notes


# ---------------------------------------------------------------------------------------------
# The table

def fmt_num(v: Optional[float], kind: str) -> str:
    if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
        return "-"
    if kind == "count":
        return "{:,.0f}".format(v)
    if kind == "ns":
        return "{:,.0f}".format(v) if v >= 100 else "%.1f" % v
    if kind == "per_op":
        if v == 0:
            return "0"
        return "%.2f" % v if v < 100 else "{:,.0f}".format(v)
    return str(v)


COLUMNS = ["operation", "instructions/op (icount)", "ns/op QEMU", "ns/op host",
           "sfence.vma/op", "satp writes/op", "traps/op"]


def build_table(icount, wall, host, boot_rows) -> List[List[str]]:
    rows = []
    for bench, op in op_order(icount, wall, host):
        ic, wa, ho = icount.get((bench, op), {}), wall.get((bench, op), {}), host.get((bench, op), {})
        name = "%s %s" % (bench, op)
        if "mib_per_s" in wa or "mib_per_s" in ho:
            name += " (MiB/s: QEMU %s, host %s)" % (fmt_num(wa.get("mib_per_s"), "ns"),
                                                      fmt_num(ho.get("mib_per_s"), "ns"))
        rows.append([name, fmt_num(ic.get("instret_per_op"), "count"), fmt_num(wa.get("ns_per_op"), "ns"),
                     fmt_num(ho.get("ns_per_op"), "ns"), fmt_num(ic.get("sfence_vma_per_op"), "per_op"),
                     fmt_num(ic.get("satp_writes_per_op"), "per_op"), fmt_num(ic.get("traps_per_op"), "per_op")])
    for r in boot_rows:
        rows.append([r["op"], fmt_num(r["instr"], "count"), "-", "-", "-", "-", "-"])
    return rows


def markdown(rows: List[List[str]]) -> str:
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in rows)) if rows else len(COLUMNS[i])
              for i in range(len(COLUMNS))]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                  for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    sep = "|" + "|".join("-" * (w + 1) + ":" if i else ":" + "-" * (w + 1) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(COLUMNS), sep] + [line(r) for r in rows])


def environment() -> List[str]:
    env = []
    try:
        v = subprocess.run([QEMU, "--version"], stdout=subprocess.PIPE, timeout=10).stdout.decode().splitlines()[0]
        env.append("QEMU: " + v)
    except (OSError, subprocess.TimeoutExpired, IndexError):
        pass
    u = os.uname()
    env.append("host kernel: %s %s %s" % (u.sysname, u.release, u.machine))
    try:
        with open("/proc/cpuinfo") as f:
            models = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        if models:
            env.append("host CPU: %s (%d logical CPUs)" % (models[0], len(models)))
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10).stdout.decode().strip()
        if rev:
            env.append("source: commit %s (plus any uncommitted changes)" % rev)
    except (OSError, subprocess.TimeoutExpired):
        pass
    return env


def full(args) -> int:
    problems: List[str] = []
    notes: List[str] = []
    started = time.monotonic()

    print("bench: QEMU -icount shift=0,sleep=off, one pass (instructions, counters)", flush=True)
    b = boot_guest("init=/bench/run-all", icount=True, timeout=300, log_name="qemu-icount.log", done=SUITE_DONE)
    problems += boot_problems(b, "icount run")
    icount = medians(parse_results(b.lines))
    notes += ["%s %s: %s" % n for n in parse_notes(b.lines)]
    print("bench:   %.0fs" % b.seconds, flush=True)

    wall: Dict = {}
    if not args.skip_wall:
        print("bench: QEMU real time, 5 passes (ns/op medians)", flush=True)
        b = boot_guest("init=/bench/run-all5", icount=False, timeout=400, log_name="qemu-wall.log", done=SUITE_DONE)
        problems += boot_problems(b, "QEMU real-time run")
        wall = medians(parse_results(b.lines))
        print("bench:   %.0fs" % b.seconds, flush=True)

    host: Dict = {}
    if not args.skip_host:
        print("bench: host build, 5 passes (ns/op medians)", flush=True)
        runner = os.path.join(HOST_DIR, "run-all")
        if not os.path.exists(runner):
            problems.append("%s not built (make bench builds it)" % runner)
        else:
            h = run_console([runner, "-r", "5"], 300, os.path.join(OUT_DIR, "host.log"), done=None)
            problems += boot_problems(h, "host run")
            host = medians(parse_results(h.lines))
            print("bench:   %.0fs" % h.seconds, flush=True)

    boot_rows: List[dict] = []
    if not args.skip_boot:
        print("bench: boot cost under -icount", flush=True)
        boot_rows, bnotes = boot_cost(args.verbose)
        notes += bnotes

    if not any("sfence_vma_per_op" in v for v in icount.values()):
        notes.append("the guest has no /proc/counters: the counter columns are empty")
    rows = build_table(icount, wall, host, boot_rows)
    table = markdown(rows)
    print()
    print(table)
    for n in notes:
        print("note: " + n)
    for p in problems:
        print("problem: " + p)
    print("bench: %.0fs in all; logs in %s/" % (time.monotonic() - started, OUT_DIR))

    with open(os.path.join(OUT_DIR, "results.md"), "w") as f:
        f.write("# rvix benchmark results\n\n")
        f.write("Produced by `make bench` (scripts/bench.py); see docs/benchmarks.md.\n\n")
        for e in environment():
            f.write("- %s\n" % e)
        f.write("\n" + table + "\n\n")
        f.write("Instructions and counters per operation: one pass under `-icount shift=0,sleep=off` "
                "(everything the hart executed per operation, user and kernel). ns/op: median of 5 passes "
                "in QEMU (real time) and on the host. Boot rows: see docs/benchmarks.md.\n")
        if notes or problems:
            f.write("\n")
        for n in notes:
            f.write("- note: %s\n" % n)
        for p in problems:
            f.write("- problem: %s\n" % p)
    with open(os.path.join(OUT_DIR, "results.json"), "w") as f:
        json.dump({"icount": {"%s %s" % k: v for k, v in icount.items()},
                   "qemu_wall": {"%s %s" % k: v for k, v in wall.items()},
                   "host": {"%s %s" % k: v for k, v in host.items()},
                   "boot": boot_rows, "notes": notes, "problems": problems}, f, indent=1, sort_keys=True)
    return 1 if problems else 0


# ---------------------------------------------------------------------------------------------
# Trap flow (make trapflow)

TRACE_BEGIN = "--- trace begin ---"
TRACE_END = "--- trace end ---"


def extract_trace(lines: List[str]) -> Optional[List[str]]:
    try:
        i = [ln.strip() for ln in lines].index(TRACE_BEGIN)
        j = [ln.strip() for ln in lines].index(TRACE_END, i + 1)
    except ValueError:
        return None
    return [ln for ln in lines[i + 1:j] if ln.strip()]


def trapflow(verbose: bool) -> int:
    # Under -icount the trace's time stamps count instructions (1 ns each) and runs repeat.
    b = run_console(qemu_command("spawn=/bench/trapdemo_a,/bench/trapdemo_b trace=1", icount=True),
                    90, os.path.join(BUILD, "trapflow.log"), done=TRACE_END)
    trace = extract_trace(b.lines)
    if trace is None:
        print("FAIL trapflow: no trace between '%s' and '%s' in %s/trapflow.log" % (TRACE_BEGIN, TRACE_END, BUILD))
        print("\n".join("    | " + ln for ln in b.lines[-20:]))
        return 1
    pids = {}
    for ln in b.lines:
        m = re.match(r"^trapdemo_([ab]) pid=(\d+)", ln.strip())
        if m:
            pids[m.group(1)] = m.group(2)
    if set(pids) != {"a", "b"}:
        print("FAIL trapflow: the demo programs did not both report their pids")
        return 1
    trace_path = os.path.join(BUILD, "trapflow.trace")
    with open(trace_path, "w") as f:
        f.write("\n".join(trace) + "\n")
    pair = "%s,%s" % (pids["a"], pids["b"])
    cmd = [sys.executable, os.path.join("scripts", "trapflow"), trace_path, "--scenario", pair,
           "--check", pair, "--svg", os.path.join(BUILD, "trapflow.svg"),
           "--out", os.path.join(BUILD, "trapflow.txt")]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    try:
        with open(os.path.join(BUILD, "trapflow.txt")) as f:
            print(f.read(), end="")
    except OSError:
        pass
    print(out, end="")
    print("trapflow: %d trace events; wrote %s/trapflow.txt and %s/trapflow.svg" % (len(trace), BUILD, BUILD))
    return r.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description="rvix benchmarks (docs/benchmarks.md)")
    ap.add_argument("--smoke", action="store_true", help="tiny counts, PASS/FAIL lines (make test)")
    ap.add_argument("--trapflow", action="store_true", help="boot the trap-flow scenario and render it")
    ap.add_argument("--skip-wall", action="store_true", help="full suite: no real-time QEMU run")
    ap.add_argument("--skip-host", action="store_true", help="full suite: no host run")
    ap.add_argument("--skip-boot", action="store_true", help="full suite: no boot-cost measurement")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--fs", action="store_true", help="only the file-system benchmark (scripts/fsbench.py)")
    args = ap.parse_args()
    os.chdir(ROOT)
    os.makedirs(OUT_DIR, exist_ok=True)
    if shutil.which(QEMU) is None:
        print("FAIL bench: %s not found (install qemu-system-misc)" % QEMU)
        return 1
    if not os.path.isfile(KERNEL):
        print("FAIL bench: %s not found (run make)" % KERNEL)
        return 1
    if args.smoke:
        return smoke(args.verbose)
    if args.trapflow:
        return trapflow(args.verbose)
    # -- fsverify -- ext2 on virtio-blk vs the host (scripts/fsbench.py)
    if args.fs:
        return subprocess.call([sys.executable, "scripts/fsbench.py", "--append"])
    r = full(args)
    return subprocess.call([sys.executable, "scripts/fsbench.py", "--append"]) or r
    # (end of fsverify)


if __name__ == "__main__":
    sys.exit(main())
