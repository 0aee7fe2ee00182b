#!/usr/bin/env python3
"""Host tests of the userland (sh, box, init) built for this machine.

Usage: userland-test.py HOST_BIN_DIR [RISCV_BIN_DIR]

Scripts run through the host-built sh with PATH holding only box's tool links, so every
command comes from this project. Interactive job control is driven through a pseudo-terminal.
Each check compares exact output or status and prints "PASS userland/<name>" or
"FAIL userland/<name>: why". With RISCV_BIN_DIR and qemu-riscv64 available, the riscv64
builds get a smoke test under user-mode QEMU. Exits 1 if any check failed.
"""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

failures = 0


def report(name, problems):
    global failures
    if problems:
        failures += 1
        print(f"FAIL userland/{name}: {'; '.join(problems)}", flush=True)
    else:
        print(f"PASS userland/{name}", flush=True)


class Env:
    def __init__(self, bindir):
        self.bindir = os.path.abspath(bindir)
        self.sh = os.path.join(self.bindir, "sh")
        self.box = os.path.join(self.bindir, "box")
        self.init = os.path.join(self.bindir, "init")
        self.tmp = tempfile.mkdtemp(prefix="userland-test.")
        self.tools = os.path.join(self.tmp, "bin")
        os.mkdir(self.tools)
        listing = subprocess.run([self.box], capture_output=True, text=True).stdout
        for name in listing.splitlines()[-1].split():
            os.symlink(self.box, os.path.join(self.tools, name))
        os.symlink(self.sh, os.path.join(self.tools, "sh"))
        os.symlink(self.box, os.path.join(self.tools, "box"))
        self.home = os.path.join(self.tmp, "home")
        os.mkdir(self.home)
        self.env = {"PATH": self.tools, "HOME": self.home, "LC_ALL": "C", "TERM": "vt100"}

    def workdir(self):
        d = tempfile.mkdtemp(dir=self.tmp)
        return d

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def compare(problems, what, got, want):
    if want is None:
        return
    if hasattr(want, "search"):
        if not want.search(got):
            problems.append(f"{what} {got!r} does not match /{want.pattern}/")
    elif got != want:
        problems.append(f"{what} {got!r}, expected {want!r}")


def run(env, name, script, out=None, err=None, status=0, stdin=None, args=None, mode="-c",
        setup=None):
    """Runs script with sh -c (or as a file, or on stdin) in a fresh directory and checks."""
    cwd = env.workdir()
    if setup:
        setup(cwd)
    if mode == "-c":
        argv = [env.sh, "-c", script] + (args or [])
    elif mode == "file":
        path = os.path.join(cwd, "script.sh")
        with open(path, "w") as f:
            f.write(script)
        argv = [env.sh, path] + (args or [])
    else:  # the script is standard input
        argv = [env.sh]
        stdin = script
    problems = []
    try:
        r = subprocess.run(argv, cwd=cwd, env=env.env, input=(stdin or "").encode(),
                           capture_output=True, timeout=20)
        compare(problems, "stdout", r.stdout.decode(errors="replace"), out)
        compare(problems, "stderr", r.stderr.decode(errors="replace"), err)
        if status is not None and r.returncode != status:
            problems.append(f"status {r.returncode}, expected {status}")
    except subprocess.TimeoutExpired:
        problems.append("timed out")
    report(name, problems)
    return cwd


def files(**content):
    """A setup function that creates files (name=text) in the test directory."""
    def make(cwd):
        for name, text in content.items():
            with open(os.path.join(cwd, name), "w") as f:
                f.write(text)
    return make


# ---------------------------------------------------------------------------------------
def shell_tests(e):
    run(e, "sh-quotes", r'''echo "a  b" 'c  $X d' e\ f "q\"x\\" '' end''',
        out='a  b c  $X d e f q"x\\  end\n')
    run(e, "sh-variables", 'X=hi; Y="two words"; echo $X ${X}there "$Y" ${U:-dflt} ${#X}',
        out="hi hithere two words dflt 2\n")
    run(e, "sh-field-split", 'Y="a  b   c"; for w in $Y; do echo "<$w>"; done; echo "<$Y>"',
        out="<a>\n<b>\n<c>\n<a  b   c>\n")
    run(e, "sh-positional", 'echo $# $0; set -- a "b c" d; echo $# $2; for a in "$@"; do echo "[$a]"; done',
        out="2 name\n3 b c\n[a]\n[b c]\n[d]\n", args=["name", "x", "y"])
    run(e, "sh-status", 'false; echo $?; true; echo $?; ! true; echo $?; (exit 3); echo $?',
        out="1\n0\n1\n3\n")
    run(e, "sh-and-or", 'false && echo no || echo yes; true && echo and; true || echo never',
        out="yes\nand\n")
    run(e, "sh-semicolons-comments", 'echo a; echo b # not c\n# whole line\necho d', out="a\nb\nd\n")
    run(e, "sh-pipeline", 'echo hello | cat | cat | wc -c', out="6\n")
    run(e, "sh-pipeline-long", 'seq 1 100 | cat | cat | cat | cat | cat | cat | tail -n 1', out="100\n")
    run(e, "sh-pipeline-status", 'true | false; echo $?; false | true; echo $?', out="1\n0\n")
    run(e, "sh-redirect-out-append-in", 'echo one > f; echo two >> f; cat < f; echo three >f; cat f',
        out="one\ntwo\nthree\n")
    run(e, "sh-redirect-stderr", 'ls /nope 2> e; echo st=$?; cat e',
        out="st=1\nls: /nope: No such file or directory\n", err="")
    run(e, "sh-redirect-2>&1", 'ls /nope 2>&1 | cat', out="ls: /nope: No such file or directory\n",
        err="")
    run(e, "sh-redirect->&2", 'echo to-err >&2; echo to-out', out="to-out\n", err="to-err\n")
    run(e, "sh-redirect-N>file", 'echo x 3>f3 >&3; cat f3; echo y 1>&-; echo z', out="x\nz\n")
    run(e, "sh-redirect-error", 'cat < /nope; echo st=$?', out="st=1\n",
        err="sh: /nope: No such file or directory\n")
    run(e, "sh-redirect-builtin-restored", 'pwd > p; echo after; cat p', out=re.compile(r"^after\n/"))
    run(e, "sh-not-found", 'nosuchcmd arg', err="sh: nosuchcmd: command not found\n", status=127)
    run(e, "sh-permission-denied", 'touch nx; ./nx', err="sh: ./nx: Permission denied\n", status=126)
    run(e, "sh-no-such-path", './missing; echo $?', out="127\n",
        err="sh: ./missing: No such file or directory\n")
    run(e, "sh-assign-prefix", 'FOO=bar env | grep FOO; FOO=bar true; echo "[$FOO]"',
        out="FOO=bar\n[]\n")
    run(e, "sh-export-unset", 'A=1; env | grep -c A=1; export A; env | grep A=1; unset A; echo "[$A]"; env | grep -c A=1',
        out="0\nA=1\n[]\n0\n", status=1)
    run(e, "sh-cd-pwd", f'cd /; pwd; cd; pwd; cd /nope; echo $?',
        out=f"/\n{e.home}\n1\n", err="sh: cd: /nope: No such file or directory\n")
    run(e, "sh-exit-status", 'echo before; exit 5; echo after', out="before\n", status=5)
    run(e, "sh-exit-last-status", 'false', status=1)
    run(e, "sh-background-wait", 'sleep 0.3 & echo started; wait; echo done $?', out="started\ndone 0\n")
    run(e, "sh-bang-pid", 'sleep 0.1 & test "$!" -gt 1 && echo ok; wait $!; echo $?; (exit 4) & wait $!; echo $?',
        out="ok\n0\n4\n")
    run(e, "sh-dollar-dollar", 'echo $$ > p; sh -c "echo \\$\\$" > q; test "$(cat p)" -gt 1 && ! test "$(cat p)" = "$(cat q)" && echo ok',
        out="ok\n")
    run(e, "sh-signal-status", 'sh -c "kill -9 \\$\\$"; echo $?', out="137\n", err="Killed\n")
    run(e, "sh-script-file", 'echo "$#:$1:$2"\nshift\necho "$1"\nexit 9\n', mode="file",
        args=["a", "b c"], out="2:a:b c\nb c\n", status=9)
    run(e, "sh-script-stdin-multiline", 'if true\nthen\n  echo yes\nfi\nfor i in 1 \\\n 2\ndo echo $i\ndone\n',
        mode="stdin", out="yes\n1\n2\n")
    run(e, "sh-stdin-shared-with-commands", 'read line\nhello from stdin\necho "got $line"\n',
        mode="stdin", out="got hello from stdin\n")
    run(e, "sh-if-elif-else", 'for n in 1 2 3; do if test $n = 1; then echo one; elif [ $n = 2 ]; then echo two; else echo other; fi; done',
        out="one\ntwo\nother\n")
    run(e, "sh-while-until", 'n=0; while test $n -lt 3; do n=$((n+1)); echo $n; done; until true; do echo no; done',
        out="1\n2\n3\n")
    run(e, "sh-break-continue", 'for i in 1 2 3 4 5; do if [ $i = 2 ]; then continue; fi; if [ $i = 4 ]; then break; fi; echo $i; done',
        out="1\n3\n")
    run(e, "sh-command-substitution", 'x=$(echo a; echo b); echo "$x"; echo `echo back` $(echo $(echo nested))',
        out="a\nb\nback nested\n")
    run(e, "sh-arithmetic", 'i=4; echo $((1+2*3)) $((10/3)) $(( (1+2)*3 )) $((i%3)) $((i > 3)) $((-i))',
        out="7 3 9 1 1 -4\n")
    run(e, "sh-heredoc", 'X=val; cat <<EOF\nhello $X\n  kept\nEOF\ncat <<\'Q\'\nno $X\nQ\necho end',
        out="hello val\n  kept\nno $X\nend\n")
    run(e, "sh-glob", 'echo a*; echo "a*"; echo z*; echo ?1; echo [ab]2; echo d/*',
        setup=files(a1="", a2="", b2=""),
        out="a1 a2\na*\nz*\na1\na2 b2\nd/*\n")
    run(e, "sh-subshell-group", 'x=1; (x=2; echo $x); echo $x; { echo g1; echo g2; } | wc -l',
        out="2\n1\n2\n")
    run(e, "sh-pipe-into-read", 'echo "a b c" | { read x y; echo "$y"; }', out="b c\n")
    run(e, "sh-syntax-error", 'echo (', status=2, err=re.compile("syntax error"))
    run(e, "sh-unterminated-quote", "echo 'abc", status=2, err=re.compile("unexpected end of file"))
    long_arg = "x" * 4000
    run(e, "sh-long-line", f"echo {long_arg} | wc -c", mode="stdin", out="4001\n")
    run(e, "sh-tilde", 'echo ~ ~/x', out=f"{e.home} {e.home}/x\n")
    run(e, "sh-eval-set", 'eval "a=5; echo \\$a"; set -- x y; echo $#', out="5\n2\n")
    run(e, "sh-script-without-shebang", 'echo "echo from script \\$1" > s; chmod +x s; ./s arg',
        out="from script arg\n")
    run(e, "sh-exec", 'exec echo replaced; echo not-here', out="replaced\n")
    run(e, "sh-exec-redirect", 'exec > out; echo into-file; exec >&2; cat out', err="into-file\n")
    run(e, "sh-kill-builtin-job", 'sleep 5 & kill %1; wait %1; echo $?', out="143\n")
    run(e, "sh-set-e", 'set -e; true; if false; then :; fi; false || true; echo on; false; echo off',
        out="on\n", status=1)


def box_tests(e):
    tree = files(b="bee\n", a="alpha\nbeta\nALPHA\n", c="")
    run(e, "box-ls", 'ls; ls -1 .; mkdir d; touch d/x d/.h; ls d; ls -a d',
        setup=tree, out="a\nb\nc\na\nb\nc\nx\n.\n..\n.h\nx\n")
    run(e, "box-ls-long", 'chmod 640 a; ln -s a l; ls -l a l',
        setup=tree,
        out=re.compile(r"^-rw-r----- 1 \d+ \d+ 17 a\nlrwxrwxrwx 1 \d+ \d+  1 l -> a\n$"))
    run(e, "box-ls-dirs", 'mkdir x y; touch x/1 y/2; ls x y c', setup=tree,
        out="c\n\nx:\n1\n\ny:\n2\n")
    run(e, "box-ls-missing", 'ls /nope', err="ls: /nope: No such file or directory\n", status=1)
    run(e, "box-cat", 'echo in | cat b - c b', setup=tree, out="bee\nin\nbee\n")
    run(e, "box-cat-missing", 'cat b nope b', setup=tree, out="bee\nbee\n",
        err="cat: nope: No such file or directory\n", status=1)
    run(e, "box-echo", r'echo -n a; echo b; echo -e "x\ty\n\\z"; echo -e "stop\cgone"; echo -x',
        out="ab\nx\ty\n\\z\nstop-x\n")
    run(e, "box-wc", 'wc a; wc -l < a; wc -w -l a b', setup=tree,
        out="      3       3      17 a\n3\n      3       3 a\n      1       1 b\n      4       4 total\n")
    run(e, "box-grep", 'grep alpha a; grep -i alpha a; grep -v -n alpha a; grep -c -i ALPHA a b',
        setup=tree, out="alpha\nalpha\nALPHA\n2:beta\n3:ALPHA\na:2\nb:0\n")
    run(e, "box-grep-stdin-nomatch", 'echo x | grep y; echo $?; echo x | grep x; echo $?',
        out="1\nx\n0\n")
    run(e, "box-grep-missing-file", 'grep a nope', status=2,
        err="grep: nope: No such file or directory\n")
    run(e, "box-head", 'seq 1 20 | head; seq 1 20 | head -n 2; seq 1 5 | head -3',
        out="".join(f"{i}\n" for i in range(1, 11)) + "1\n2\n1\n2\n3\n")
    run(e, "box-tail", 'seq 1 20 | tail -n 3; seq 1 5 | tail -2; seq 1 5 | tail -n +4; echo -n "a\nb" | tail -n 1',
        out="18\n19\n20\n4\n5\n4\n5\nb")
    run(e, "box-head-tail-files", 'head -n 1 a b; tail -n 1 a', setup=tree,
        out="==> a <==\nalpha\n\n==> b <==\nbee\nALPHA\n")
    run(e, "box-mkdir-rmdir", 'mkdir -p p/q/r; test -d p/q/r && echo made; rmdir p/q/r; test -d p/q/r || echo gone; mkdir p; echo $?',
        out="made\ngone\n1\n", err="mkdir: p: File exists\n")
    run(e, "box-rm", 'mkdir -p t/u; touch t/u/f t/g; rm t; echo $?; rm -r t; test -e t || echo gone; rm -f none; echo $?; rm none',
        out="1\ngone\n0\n", status=1,
        err="rm: t: Is a directory\nrm: none: No such file or directory\n")
    run(e, "box-mv-cp", 'mkdir d; cp a a2; mv b d; cp a2 c d; ls d; cat d/b; mv d e; ls; cp d x',
        setup=tree, out="a2\nb\nc\nbee\na\na2\nc\ne\n", status=1,
        err="cp: d: No such file or directory\n")
    run(e, "box-cp-r", 'mkdir -p s/t; echo deep > s/t/f; cp s z; echo $?; cp -r s z; cat z/t/f',
        out="1\ndeep\n", err="cp: omitting directory 's' (use -r)\n")
    run(e, "box-ln", 'ln -s b sl; cat sl; ln b hl; stat hl | grep -c "Links: 2"; ln -s x sl; echo $?',
        setup=tree, out="bee\n1\n1\n", err="ln: sl: File exists\n")
    run(e, "box-touch-stat", 'touch new; stat new | head -n 2 | tail -n 1', out=re.compile(
        r"^  Size: 0\tBlocks: \d+\tIO Block: \d+\tregular file\n$"))
    run(e, "box-chmod", 'touch f; chmod 700 f; ls -l f; chmod go+r,u-w f; ls -l f; chmod +x f; ls -l f',
        out=re.compile(r"^-rwx------ .*\n-r-xr--r-- .*\n-r-xr-xr-x .*\n$"))
    run(e, "box-sleep", 'sleep 0.3', status=0)
    start = time.time()
    run(e, "box-sleep-bad", 'sleep abc', status=1, err="sleep: invalid time interval 'abc'\n")
    start = time.time()
    run(e, "box-sleep-fractional", 'sleep 0.5 0.25')
    took = time.time() - start
    report("box-sleep-duration", [] if 0.7 <= took < 3 else [f"sleep 0.75 took {took:.2f}s"])
    run(e, "box-true-false", 'true; echo $?; false; echo $?; box true; echo $?', out="0\n1\n0\n")
    run(e, "box-yes", 'yes | head -n 2; yes ab c | head -n 1', out="y\ny\nab c\n")
    run(e, "box-env", 'env -i A=1 B=2; env X=y sh -c "echo \\$X"', out="A=1\nB=2\ny\n")
    run(e, "box-kill", 'sleep 5 & p=$!; kill $p; wait $p; echo $?; sleep 5 & kill -s KILL $!; wait $!; echo $?; sleep 5 & kill -9 $!; wait $!; echo $?; kill -l 15',
        out="143\n137\n137\nTERM\n")
    run(e, "box-kill-tool", 'box kill -NOPE 1; echo $?; sleep 5 & box kill -s HUP $!; wait $!; echo $?; box kill -l 9',
        out="1\n129\nKILL\n", err="kill: invalid signal\n")
    run(e, "sh-kill-builtin-bad", 'kill -NOPE 1', status=1, err="sh: kill: invalid signal\n")
    uname = os.uname()
    run(e, "box-uname", 'uname; uname -m; uname -sr',
        out=f"{uname.sysname}\n{uname.machine}\n{uname.sysname} {uname.release}\n")
    run(e, "box-free", 'free', out=re.compile(r"^\s+total\s+used\s+free\s+buff/cache\s+available\nMem:\s+\d+"))
    run(e, "box-uptime", 'uptime', out=re.compile(r"^ \d\d:\d\d:\d\d up .*\n$"))
    # The shell's own line carries its command line; ps's line (PPID = $$) does not.
    run(e, "box-ps", 'ps > out; grep -c "ps > out; grep" out; head -n 1 out',
        out="1\n  PID  PPID  PGID S CMD\n")
    run(e, "box-pwd", 'cd /; pwd; box pwd', out="/\n/\n")
    run(e, "box-test", '[ 1 -lt 2 ] && echo a; test -z "" && echo b; test -f a && echo c; test -d a || echo d; [ x = y -o ! -n "" ] && echo e; test 1 -gt; echo $?',
        setup=tree, out="a\nb\nc\nd\ne\n2\n", err=re.compile("."))
    run(e, "box-seq-basename-dirname", 'seq 3; seq 5 -2 1; basename /a/b.c .c; dirname /a/b/; dirname x',
        out="1\n2\n3\n5\n3\n1\nb\n/a\n.\n")
    run(e, "box-tee", 'echo hi | tee t1 t2; cat t1 t2', out="hi\nhi\nhi\n")
    run(e, "box-dispatch", 'box echo via box; box nosuch; echo $?', out="via box\n127\n",
        err="box: nosuch: no such tool\n")
    run(e, "box-unknown-option", 'ls -Z', status=2, err="ls: unknown option -Z\n")


# ---------------------------------------------------------------------------------------
class Pty:
    """A program on a pseudo-terminal, with expect-style reads."""

    def __init__(self, argv, env, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.buf = ""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, pattern, timeout=5):
        """Waits until pattern appears after what was matched before; returns the match."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = end - time.time()
            if left <= 0:
                raise AssertionError(f"no /{pattern}/ in {self.buf[-300:]!r}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise AssertionError(f"EOF waiting for /{pattern}/ in {self.buf[-300:]!r}")
                self.buf += data.decode(errors="replace")

    def wait(self, timeout=5):
        end = time.time() + timeout
        while time.time() < end:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return st
            try:  # keep draining so the child never blocks on output
                r, _, _ = select.select([self.fd], [], [], 0.05)
                if r:
                    self.buf += os.read(self.fd, 4096).decode(errors="replace")
            except OSError:
                time.sleep(0.05)
        raise AssertionError("did not exit")

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def pty_test(name, e, argv, steps):
    p = Pty(argv, e.env, e.workdir())
    problems = []
    try:
        steps(p)
    except AssertionError as err:
        problems.append(str(err))
    finally:
        p.kill()
    report(name, problems)


PROMPT = r"[$#] $"


def job_control(p):
    p.expect(PROMPT)
    p.send("sleep 30\n")
    time.sleep(0.5)
    p.send("\x1a")                              # Ctrl-Z
    p.expect(r"\[1\]\+ Stopped  sleep 30")
    p.expect(PROMPT)
    p.send("jobs\n")
    p.expect(r"\[1\]\+ Stopped  sleep 30")
    p.send("bg\n")
    p.expect(r"\[1\]\+ sleep 30 &")
    p.send("jobs -l\n")
    p.expect(r"\[1\]\+ \d+ Running  sleep 30 &")
    p.expect(PROMPT)
    p.send("fg %1\n")
    p.expect(r"sleep 30\r?\n")
    time.sleep(0.3)
    p.send("\x03")                              # Ctrl-C kills the job, not the shell
    p.expect(PROMPT)
    p.send("echo status=$?\n")
    p.expect(r"status=130")
    p.expect(PROMPT)
    p.send("while true; do sleep 5; done; echo not-reached\n")
    time.sleep(0.5)
    p.send("\x03")                              # ends the whole loop, not just one sleep
    p.expect(PROMPT)
    p.send("echo loop=$?\n")
    p.expect(r"loop=130")
    p.expect(PROMPT)
    p.send("sleep 0.2 &\n")
    p.expect(r"\[1\] \d+")
    p.expect(PROMPT)
    time.sleep(0.5)
    p.send("\n")
    p.expect(r"\[1\]\+ Done  sleep 0.2")
    p.expect(PROMPT)
    p.send("\x03")                              # at the prompt: a fresh prompt
    p.expect(PROMPT)
    p.send("echo alive | cat\n")
    p.expect(r"alive")
    p.expect(PROMPT)
    p.send("exit 7\n")
    st = p.wait()
    if not os.WIFEXITED(st) or os.WEXITSTATUS(st) != 7:
        raise AssertionError(f"exit status {st:#x}, expected 7")


def pipeline_job_stop(p):
    """A stopped pipeline is one job: fg brings back every process of it."""
    p.expect(PROMPT)
    p.send("sleep 30 | cat\n")
    time.sleep(0.5)
    p.send("\x1a")
    p.expect(r"\[1\]\+ Stopped  sleep 30 \| cat")
    p.expect(PROMPT)
    p.send("kill %1; fg\n")
    p.expect(r"sleep 30 \| cat")
    p.expect(PROMPT)
    p.send("jobs; echo none\n")
    p.expect(r"^[^\[]*none")
    p.send("sleep 30\n")
    time.sleep(0.3)
    p.send("\x1a")
    p.expect(r"Stopped")
    p.send("exit\n")
    p.expect(r"There are stopped jobs")
    p.send("exit\n")
    p.wait()


def interactive_prompt_and_errors(p):
    p.expect(PROMPT)
    p.send("nosuch\n")
    p.expect(r"sh: nosuch: command not found")
    p.send("echo 'multi\n")
    p.expect(r"> $")                            # continuation prompt
    p.send("line'\n")
    p.expect(r"multi\r?\nline")
    p.expect(PROMPT)
    p.send("fg\n")
    p.expect(r"fg: current: no such job")
    p.send("\x04")                              # Ctrl-D: end of input
    p.wait()


def init_restart(p):
    p.expect(PROMPT)
    p.send("exit\n")
    p.expect(r"init: restarting")
    p.expect(PROMPT)
    p.send("echo again\n")
    p.expect(r"again")


def init_tests(e):
    run_init = lambda *argv: subprocess.run([e.init] + list(argv), env=e.env,
                                            stdin=subprocess.DEVNULL, capture_output=True,
                                            text=True, timeout=20)
    problems = []
    r = run_init(e.sh, "-c", 'echo "$PATH $HOME $TERM"; pwd; exit 3')
    compare(problems, "stdout tail", r.stdout[-len("/bin:/sbin / vt100\n/\n"):],
            "/bin:/sbin / vt100\n/\n")
    if r.returncode != 3:
        problems.append(f"status {r.returncode}, expected 3 (the shell's)")
    report("init-runs-shell-without-tty", problems)

    problems = []
    r = run_init("/nonexistent/shell")
    compare(problems, "stderr", r.stderr, "init: cannot run /nonexistent/shell: No such file or directory\n")
    if r.returncode != 127:
        problems.append(f"status {r.returncode}, expected 127")
    report("init-missing-shell", problems)

    # Orphans are re-parented to init (a subreaper on the host) and reaped: none is left over.
    problems = []
    r = run_init(e.sh, "-c", 'sleep 0.2 & sleep 0.2 & exit 0')
    if r.returncode != 0:
        problems.append(f"status {r.returncode}")
    report("init-orphans", problems)

    pty_test("init-respawns-shell-on-tty", e, [e.init, e.sh], init_restart)


# ---------------------------------------------------------------------------------------
def riscv_smoke(rvdir):
    qemu = shutil.which("qemu-riscv64")
    if not qemu:
        print("SKIP userland/riscv64-smoke: qemu-riscv64 not installed", flush=True)
        return
    sh, box = os.path.join(rvdir, "sh"), os.path.join(rvdir, "box")
    checks = [
        ("riscv64-sh", [sh, "-c", 'x=0; for i in 1 2 3; do x=$((x+i)); done; echo "$x" ${U:-u} $(echo sub)'],
         "6 u sub\n"),
        ("riscv64-box-echo", [box, "echo", "-n", "hi"], "hi"),
        ("riscv64-box-seq", [box, "seq", "2"], "1\n2\n"),
        ("riscv64-box-test", [box, "test", "2", "-gt", "1"], ""),
    ]
    for name, argv, want in checks:
        problems = []
        r = subprocess.run([qemu] + argv, capture_output=True, text=True, timeout=30)
        compare(problems, "stdout", r.stdout, want)
        if r.returncode != 0:
            problems.append(f"status {r.returncode}")
        report(name, problems)
    r = subprocess.run(["file", "-b", sh, box, os.path.join(rvdir, "init")],
                       capture_output=True, text=True)
    bad = [l for l in r.stdout.splitlines() if "RISC-V" not in l or "statically linked" not in l]
    report("riscv64-static-binaries", [f"not static RISC-V: {l}" for l in bad])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    e = Env(sys.argv[1])
    try:
        shell_tests(e)
        box_tests(e)
        pty_test("sh-job-control", e, [e.sh], job_control)
        pty_test("sh-pipeline-job", e, [e.sh], pipeline_job_stop)
        pty_test("sh-interactive-errors", e, [e.sh], interactive_prompt_and_errors)
        init_tests(e)
        if len(sys.argv) > 2:
            riscv_smoke(sys.argv[2])
    finally:
        e.cleanup()
    print(f"userland: {'all passed' if not failures else f'{failures} failed'}", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
