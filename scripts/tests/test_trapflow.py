#!/usr/bin/env python3
"""Unit tests of scripts/trapflow on a hand-written trace (trapflow-sample.trace) and on
variants of it with events moved or removed. Prints PASS trapflow/<name> or
FAIL trapflow/<name>: why for each test; the exit status is 1 if any failed.
Usage: python3 scripts/tests/test_trapflow.py"""

import importlib.util
import io
import os
import sys
import tempfile
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout, redirect_stderr
from importlib.machinery import SourceFileLoader

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "trapflow")
SAMPLE = os.path.join(HERE, "trapflow-sample.trace")


def load_trapflow():
    sys.dont_write_bytecode = True     # no __pycache__ next to scripts/trapflow
    loader = SourceFileLoader("trapflow", SCRIPT)
    spec = importlib.util.spec_from_loader("trapflow", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


tf = load_trapflow()
with open(SAMPLE) as f:
    SAMPLE_TEXT = f.read()
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Fail(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise Fail(why)


def events():
    return tf.parse(SAMPLE_TEXT)


def edit(drop=(), move=None):
    """The sample's event lines with the events numbered in `drop` removed and, if move=(i, j),
    event i moved to just before event j."""
    lines = [ln for ln in tf.trace_lines(SAMPLE_TEXT) if tf.EVENT_RE.match(ln)]
    if move:
        i, j = move
        ln = lines[i]
        lines = lines[:i] + lines[i + 1:]
        lines.insert(j if j < i else j - 1, ln)
    return "\n".join(ln for k, ln in enumerate(lines) if k not in drop) + "\n"


def cells(rows, e):
    return [(r.column, r.text) for r in rows if r.event is e]


@test
def parse_between_markers():
    ev = events()
    expect(len(ev) == 25, "expected 25 events, got %d" % len(ev))
    expect(ev[0].name == "trap_table" and ev[0].get("stvec") == "0xffffffff80001000", "first event: %r" % ev[0])
    expect(ev[0].ns == 1500200 and ev[0].hart == 0, "time/hart of the first event")
    expect(ev[-1].name == "syscall" and ev[-1].get("nr") == "56", "last event: %r" % ev[-1])
    expect([e.index for e in ev] == list(range(25)), "indexes")


@test
def parse_ignores_noise():
    ev = tf.parse("garbage\n12 0 switch from=1 to=2\nrvix: hello 1 2\n\n13 0 syscall nr=64 pid=3\n")
    expect([e.name for e in ev] == ["switch", "syscall"], "got %r" % ev)


@test
def rows_syscall():
    ev = events()
    e = ev[11]   # trap_enter ecall_u of pid 1
    rows = tf.render_rows([e, ev[12], ev[13]], {"1": "A (pid 1)", "2": "B (pid 2)"}, ev)
    c = cells(rows, e)
    expect([col for col, _ in c] == ["prog", "hw", "os"], "columns %r" % c)
    expect("A (pid 1): system call (ecall)" in c[0][1], "program cell %r" % c[0][1])
    expect(c[1][1].startswith("save pc->sepc, cause->scause, jump to stvec, mode U->S"), "hardware cell %r" % c[1][1])
    expect("trap_user -> syscall_dispatch" in c[2][1], "OS cell %r" % c[2][1])
    s = cells(rows, ev[12])
    expect(s == [("os", "syscall_dispatch -> sys_getppid (nr 173) for A (pid 1)")], "syscall row %r" % s)
    r = cells(rows, ev[13])
    expect([col for col, _ in r] == ["os", "hw", "prog"], "return columns %r" % r)
    expect(r[1][1].startswith("sret: restore pc<-sepc, mode S->U"), "sret cell %r" % r[1][1])
    expect(r[2][1] == "A (pid 1) continues at 0x10516", "program cell %r" % r[2][1])


@test
def rows_timer_and_switch():
    ev = events()
    rows = tf.render_rows(ev[18:23], {"1": "A (pid 1)", "2": "B (pid 2)"}, ev)
    t = cells(rows, ev[18])
    expect([col for col, _ in t] == ["prog", "hw", "os"], "columns %r" % t)
    expect(t[1][1].startswith("timer interrupt (STIP)"), "hardware cell %r" % t[1][1])
    expect("trap_interrupt" in t[2][1], "OS cell %r" % t[2][1])
    expect(cells(rows, ev[19]) == [("os", "timer tick: arm the next deadline; sched_tick charges A (pid 1)")],
           "timer_irq row %r" % cells(rows, ev[19]))
    expect(cells(rows, ev[21]) == [("os", "switch_context A (pid 1) -> B (pid 2)")], "switch row %r" % cells(rows, ev[21]))
    expect(cells(rows, ev[22])[2] == ("prog", "B (pid 2) continues at 0x1a2b8"), "B resumes")


@test
def rows_boot_and_faults():
    ev = events()
    rows = tf.render_rows(ev[:11])
    expect(cells(rows, ev[0])[0] == ("os", "install the trap table: stvec = 0xffffffff80001000"), "trap_table row")
    expect(cells(rows, ev[0])[1][0] == "hw", "trap_table hardware row")
    expect(cells(rows, ev[1])[0] == ("os", "arm the timer: stimecmp = 160230"), "timer_armed row %r" % cells(rows, ev[1]))
    expect(len(cells(rows, ev[1])) == 2, "the first timer_armed also shows the hardware")
    expect(cells(rows, ev[2]) == [("os", "switch_context the scheduler (idle) -> pid 2")], "idle switch %r" % cells(rows, ev[2]))
    pf = cells(rows, ev[8])
    expect(pf[0] == ("prog", "pid 1: store to an unmapped page at 0x104f0"), "fault program cell %r" % (pf[0],))
    expect(pf[1][1].startswith("page fault: stval = address"), "fault hardware cell")
    expect(cells(rows, ev[9]) == [("os", "vm_fault at 0x3fffffe000 for pid 1: map a zeroed page")], "page_fault row")
    sbi = tf.render_rows(tf.parse("5 0 timer_armed how=sbi next=99\n6 0 timer_armed how=sbi next=199\n"))
    expect([r.column for r in sbi] == ["os", "hw", "os"], "only the first timer_armed shows the hardware: %r" % sbi)
    expect("sbi_set_timer(99)" in sbi[0].text, "SBI timer text %r" % sbi[0].text)


@test
def rows_first_run():
    ev = events()
    rows = tf.render_rows(ev, {"1": "A (pid 1)", "2": "B (pid 2)"})
    starts = [(r.event.index, r.text) for r in rows if r.column == "prog" and "starts" in r.text]
    expect(starts == [(3, "B (pid 2) starts at 0x10436"), (7, "A (pid 1) starts at 0x10436")], "got %r" % starts)
    first = cells(rows, ev[3])
    expect(first[0] == ("os", "proc_first_run; trap_return_user: load B (pid 2)'s first registers; sret"),
           "OS cell %r" % (first[0],))
    # Alone, without the rest of the trace, event 22 would look like B's first run.
    alone = tf.render_rows([ev[22]], {"2": "B (pid 2)"})
    expect(alone[2].text == "B (pid 2) starts at 0x1a2b8", "got %r" % alone[2].text)


@test
def rows_switch_to_itself():
    rows = tf.render_rows(tf.parse("9 0 switch from=1 to=1\n"), {"1": "A (pid 1)"})
    expect([(r.column, r.text) for r in rows] == [("os", "scheduler: A (pid 1) is still the one to run; no switch")],
           "got %r" % rows)


@test
def rows_unknown_event():
    rows = tf.render_rows(tf.parse("7 1 frobnicate x=1 y=2\n"))
    expect([(r.column, r.text) for r in rows] == [("os", "frobnicate x=1 y=2")], "got %r" % rows)


@test
def order_check_passes():
    ok, msgs = tf.check_order(events(), "1", "2")
    expect(ok, "failed: %r" % msgs)
    expect(msgs[-1] == "switch from 1 to 2 (event 21)", "last message %r" % msgs[-1])
    expect("system call trap_enter (event 11, getppid)" in msgs[1], "A's first system call is event 11: %r" % msgs[1])


@test
def order_check_anchors_on_marker():
    # Give A an earlier system call (B's nanosleep, events 4-5, becomes A's write).
    text = SAMPLE_TEXT.replace("1612000 0 trap_enter cause=ecall_u from=U pid=2", "1612000 0 trap_enter cause=ecall_u from=U pid=1")
    text = text.replace("1612100 0 syscall nr=101 pid=2", "1612100 0 syscall nr=64 pid=1")
    ev = tf.parse(text)
    ok, msgs = tf.check_order(ev, "1", "2", marker_nr=173)
    expect(ok and "(event 11, getppid)" in msgs[1], "with the marker: %r %r" % (ok, msgs))
    ok, msgs = tf.check_order(ev, "1", "2")
    expect(ok and "(event 4, write)" in msgs[1], "without the marker: %r %r" % (ok, msgs))
    ok, msgs = tf.check_order(ev, "1", "2", marker_nr=999)
    expect("(event 4, write)" in msgs[1], "with an absent marker: %r" % msgs)


@test
def order_check_timer_before_table():
    ok, msgs = tf.check_order(tf.parse(edit(move=(1, 0))), "1", "2")
    expect(not ok and "before trap_table" in msgs[-1], "got %r %r" % (ok, msgs))


@test
def order_check_trap_before_timer():
    ok, msgs = tf.check_order(tf.parse(edit(move=(8, 1))), "1", "2")
    expect(not ok and "before the first timer_armed" in msgs[-1], "got %r %r" % (ok, msgs))


@test
def order_check_no_table():
    ok, msgs = tf.check_order(tf.parse(edit(drop={0})), "1", "2")
    expect(not ok and msgs == ["no trap_table event"], "got %r %r" % (ok, msgs))


@test
def order_check_no_return():
    ok, msgs = tf.check_order(tf.parse(edit(drop={13})), "1", "2")
    expect(not ok and "before the system call's trap_return" in msgs[-1], "got %r %r" % (ok, msgs))
    ok, msgs = tf.check_order(tf.parse(edit(drop={13, 17})), "1", "2")
    expect(not ok and "never returns" in msgs[-1], "got %r %r" % (ok, msgs))


@test
def order_check_no_timer():
    ok, msgs = tf.check_order(tf.parse(edit(drop={14, 18})), "1", "2")
    expect(not ok and "no timer trap_enter from U" in msgs[-1], "got %r %r" % (ok, msgs))


@test
def order_check_no_switch():
    ok, msgs = tf.check_order(tf.parse(edit(drop={21})), "1", "2")
    expect(not ok and msgs[-1] == "no switch from 1 to 2 after event 14", "got %r %r" % (ok, msgs))
    ok, msgs = tf.check_order(events(), "1", "3")
    expect(not ok and "no switch from 1 to 3" in msgs[-1], "wrong B: %r %r" % (ok, msgs))


@test
def scenario_window():
    ev = events()
    sel = tf.select_scenario(ev, "1", "2")
    idx = [e.index for e in sel]
    expect(idx == [0, 1] + list(range(11, 23)), "selected %r" % idx)
    rows = tf.render_rows(sel)
    gaps = [r.text for r in rows if r.column == "gap"]
    expect(gaps == ["... 9 events left out ..."], "gaps %r" % gaps)
    # Without the marker call, the window starts at A's first system call.
    sel = tf.select_scenario(ev, "1", "2", marker_nr=999)
    expect([e.index for e in sel][:3] == [0, 1, 11], "fallback start %r" % sel[:3])
    # No switch to B: the window is cut 30 events after the call (here: the end of the trace).
    sel = tf.select_scenario(ev, "1", "3")
    expect(sel[-1].index == 24, "window without a switch ends at %r" % (sel[-1],))


@test
def text_layout():
    ev = events()
    rows = tf.render_rows(tf.select_scenario(ev, "1", "2"), {"1": "A (pid 1)", "2": "B (pid 2)"})
    text = tf.render_text(rows, 34)
    lines = text.splitlines()
    head = lines[0]
    for title in ("OS @ run (kernel mode)", "Hardware", "Program (user mode)"):
        expect(title in head, "title %r missing from %r" % (title, head))
    os_col, hw_col, prog_col = head.index("OS @"), head.index("Hardware"), head.index("Program")
    def column_of(fragment):
        for ln in lines[2:]:
            k = ln.find(fragment)
            if k >= 0:
                return k
        raise Fail("%r not in the text" % fragment)
    expect(column_of("A (pid 1): system call") == prog_col, "program column")
    expect(column_of("save pc->sepc") == hw_col, "hardware column")
    expect(column_of("switch_context A (pid 1) -> B") == os_col, "OS column")
    expect(column_of("1650000") < os_col, "time stamp on the left")
    expect(all(len(ln) <= prog_col + 34 for ln in lines[2:]), "a cell is wider than its column")
    expect(text.count("1650000") == 1, "each time stamp once")


@test
def svg_is_xml():
    rows = tf.render_rows(tf.select_scenario(events(), "1", "2"), {"1": "A (pid 1)", "2": "B (pid 2)"})
    svg = tf.render_svg(rows)
    root = ET.fromstring(svg)
    expect(root.tag.endswith("svg"), "root %r" % root.tag)
    texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    expect("switch_context A (pid 1) -&gt; B" not in texts and "switch_context A (pid 1) -> B" in texts.replace("  ", " "),
           "the switch row is in the drawing")
    expect(sum(1 for t in root.iter() if t.tag.endswith("rect")) > 20, "a box per row")


@test
def command_line():
    with tempfile.TemporaryDirectory() as d:
        good, bad = os.path.join(d, "good.trace"), os.path.join(d, "bad.trace")
        with open(good, "w") as f:
            f.write(SAMPLE_TEXT)
        with open(bad, "w") as f:
            f.write(edit(drop={21}))
        out, svg = os.path.join(d, "out.txt"), os.path.join(d, "out.svg")
        buf = io.StringIO()
        with redirect_stdout(buf), redirect_stderr(io.StringIO()):
            rc = tf.main([good, "--scenario", "1,2", "--check", "1,2", "--svg", svg, "--out", out])
        expect(rc == 0, "exit status %d for the good trace: %s" % (rc, buf.getvalue()))
        expect("order check passed" in buf.getvalue(), "no 'passed' line")
        expect(os.path.getsize(out) > 0 and os.path.getsize(svg) > 0, "no output files")
        buf = io.StringIO()
        with redirect_stdout(buf), redirect_stderr(io.StringIO()):
            rc = tf.main([bad, "--check", "1,2"])
        expect(rc == 1 and "order check FAILED" in buf.getvalue(), "bad trace: %d %s" % (rc, buf.getvalue()[-200:]))
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            rc = tf.main([os.path.join(d, "empty.trace")])
        expect(rc == 2, "a missing file gives status 2, got %d" % rc)


def main():
    failed = 0
    for fn in TESTS:
        try:
            fn()
            print("PASS trapflow/%s" % fn.__name__)
        except Fail as e:
            failed += 1
            print("FAIL trapflow/%s: %s" % (fn.__name__, e))
        except Exception as e:  # a crash in the renderer is a failure too
            failed += 1
            print("FAIL trapflow/%s: %s: %s" % (fn.__name__, type(e).__name__, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
