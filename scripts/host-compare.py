#!/usr/bin/env python3
"""Compare guest test programs with the same programs on the host (Linux).

Every case of scripts/qemu-test.py with compare=/tests/NAME names a program of user/tests
whose "out: " lines are deterministic. For each one this script
  1. builds user/tests/NAME.c for the host (gcc -std=c11 -D_GNU_SOURCE -O2 -static; without
     -static if that fails) into build/host-compare/NAME,
  2. runs it as a session leader (like a program spawned at boot) with a timeout,
  3. compares its "out: " lines with those in the guest log build/guest/<case>.log,
and prints
  PASS compare/NAME
  FAIL compare/NAME: <why>     (first difference, a missing guest log, a host-side "not ok"...)
Run the guest cases first (scripts/qemu-test.py). Exit status: non-zero if anything failed.

Usage: scripts/host-compare.py [--case NAME]... [--list] [--verbose]
Environment: HOSTCC (default gcc), HOST_COMPARE_TIMEOUT (seconds per program, default 60).
"""

import argparse
import importlib.util
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = "build/host-compare"
HOSTCC = os.environ.get("HOSTCC", "gcc")
CFLAGS = ["-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra"]
PREFIX = "out: "


def load_cases():
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("qemu_test", os.path.join(ROOT, "scripts", "qemu-test.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.CASES, mod.LOG_DIR


def build(name):
    """Returns (binary path, None) or (None, error text)."""
    src = os.path.join("user", "tests", name + ".c")
    if not os.path.isfile(src):
        return None, "no source %s" % src
    os.makedirs(OUT_DIR, exist_ok=True)
    binary = os.path.join(OUT_DIR, name)
    err = ""
    for extra in (["-static"], []):
        p = subprocess.run([HOSTCC] + CFLAGS + extra + [src, "-o", binary],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode == 0:
            return binary, None
        err = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else "exit %d" % p.returncode
    return None, "host build failed: " + err


def run(binary, timeout):
    """Returns (stdout lines, None) or (partial lines, error text)."""
    p = subprocess.Popen([os.path.abspath(binary)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True, cwd="/")
    try:
        out, _ = p.communicate(timeout=timeout)
        err = None
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        out, _ = p.communicate()
        err = "timed out after %gs on the host" % timeout
    # The program's children may still run (its session): clean up.
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except OSError:
        pass
    lines = out.decode("utf-8", "replace").splitlines()
    return lines, err


def outs(lines):
    return [ln[len(PREFIX):] for ln in lines if ln.startswith(PREFIX)]


def first_difference(guest, host):
    for i, (g, h) in enumerate(zip(guest, host)):
        if g != h:
            return 'out line %d: guest "%s", host "%s"' % (i + 1, g, h)
    if len(guest) != len(host):
        n = min(len(guest), len(host))
        longer, which = (guest, "guest") if len(guest) > len(host) else (host, "host")
        return 'out line %d: only the %s has "%s" (%d lines in the guest, %d on the host)' % (
            n + 1, which, longer[n], len(guest), len(host))
    return None


def compare(case, log_dir, timeout, verbose):
    name = os.path.basename(case.compare)
    label = "compare/%s" % name
    log = os.path.join(log_dir, case.name + ".log")
    if not os.path.isfile(log):
        return ["FAIL %s: no guest log %s (run scripts/qemu-test.py --case %s first)" % (label, log, case.name)]
    with open(log, encoding="utf-8", errors="replace") as f:
        guest = outs(f.read().splitlines())
    binary, err = build(name)
    if err:
        return ["FAIL %s: %s" % (label, err)]
    lines, err = run(binary, timeout)
    host = outs(lines)
    report = []
    if verbose:
        report += ["# %s guest: %s" % (label, g) for g in guest]
        report += ["# %s host:  %s" % (label, h) for h in host]
    why = []
    if err:
        why.append(err)
    if not guest:
        why.append("no out: lines in %s" % log)
    diff = first_difference(guest, host)
    if diff:
        why.append(diff)
    not_ok = [ln for ln in lines if ln.startswith("not ok ")]
    if not_ok:
        why.append("on the host: %s%s" % (not_ok[0], " (and %d more)" % (len(not_ok) - 1) if len(not_ok) > 1 else ""))
    if why:
        report.append("FAIL %s: %s" % (label, "; ".join(why)))
    else:
        report.append("PASS %s (%d lines)" % (label, len(guest)))
    return report


def main():
    ap = argparse.ArgumentParser(description="Compare guest test output with the host's.")
    ap.add_argument("--case", action="append", metavar="NAME", help="only this program (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the comparable programs and exit")
    ap.add_argument("--verbose", "-v", action="store_true", help="show both sides' out: lines")
    args = ap.parse_args()
    os.chdir(ROOT)
    cases, log_dir = load_cases()
    cases = [c for c in cases if getattr(c, "compare", "")]
    if args.list:
        for c in cases:
            print("%-12s guest case %-14s %s" % (os.path.basename(c.compare), c.name, c.about))
        return 0
    if args.case:
        wanted = set(args.case)
        unknown = wanted - {os.path.basename(c.compare) for c in cases}
        if unknown:
            print("host-compare: unknown program %s (see --list)" % ", ".join(sorted(unknown)), file=sys.stderr)
            return 2
        cases = [c for c in cases if os.path.basename(c.compare) in wanted]
    try:
        timeout = float(os.environ.get("HOST_COMPARE_TIMEOUT", "60"))
    except ValueError:
        timeout = 60.0
    failed = False
    for c in cases:
        report = compare(c, log_dir, timeout, args.verbose)
        print("\n".join(report), flush=True)
        failed |= any(ln.startswith("FAIL ") for ln in report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
