/* trapdemo_b: process B of the trap-flow scenario (see trapdemo_a.c). B waits until the
 * trace shows what the scenario is about (A's marker system call, a timer interrupt taking A
 * in user mode, and a switch from A to B), then prints the whole trace between the lines
 *   --- trace begin ---
 *   --- trace end ---
 * for scripts/bench.py --trapflow to cut out of the console log. B sleeps between looks so
 * that A has the CPU; when B wakes at a tick, that tick preempts A in favour of B.
 * Usage: trapdemo_b [trace file] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MARKER_NR 173                   /* getppid, made by A */
#define TRACE_MAX (4 << 20)
#define TRIES 250
#define NAP_MS 20

static char *trace;

static void say(const char *s)
{
    if (write(1, s, strlen(s)) < 0)
        exit(1);
}

static long load(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long len = 0;
    ssize_t n;
    while (len < TRACE_MAX - 1 && (n = read(fd, trace + len, TRACE_MAX - 1 - len)) > 0)
        len += n;
    close(fd);
    trace[len] = 0;
    return len;
}

/* The value of " key=" on this line (up to the end of the line), or NULL. */
static const char *field(const char *line, const char *eol, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = line + 1; p + k < eol; p++)
        if (p[-1] == ' ' && strncmp(p, key, k) == 0 && p[k] == '=')
            return p + k + 1;
    return NULL;
}

static int is(const char *v, const char *want)
{
    size_t n = strlen(want);
    return v && strncmp(v, want, n) == 0 && (v[n] == ' ' || v[n] == '\n' || v[n] == 0);
}

static int event_is(const char *line, const char *eol, const char *ev)
{
    /* "<ns> <hart> <event> ..." */
    const char *p = line;
    for (int sp = 0; sp < 2 && p < eol; p++)
        if (*p == ' ')
            sp++;
    size_t n = strlen(ev);
    return p + n <= eol && strncmp(p, ev, n) == 0 && (p[n] == ' ' || p + n == eol);
}

/* A's marker call, then a timer trap taking A in U-mode, then a switch away from A to me. */
static int complete(int me)
{
    char apid[16] = "", bpid[16];
    int stage = 0;
    snprintf(bpid, sizeof bpid, "%d", me);
    for (char *line = trace; *line;) {
        char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        if (stage == 0 && event_is(line, eol, "syscall")) {
            const char *nr = field(line, eol, "nr"), *pid = field(line, eol, "pid");
            if (nr && atoi(nr) == MARKER_NR && pid) {
                snprintf(apid, sizeof apid, "%d", atoi(pid));
                stage = 1;
            }
        } else if (stage == 1 && event_is(line, eol, "trap_enter") && is(field(line, eol, "cause"), "timer")
                   && is(field(line, eol, "from"), "U") && is(field(line, eol, "pid"), apid)) {
            stage = 2;
        } else if (stage == 2 && event_is(line, eol, "switch") && is(field(line, eol, "from"), apid)
                   && is(field(line, eol, "to"), bpid)) {
            return 1;
        }
        line = *eol ? eol + 1 : eol;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/proc/trace";
    char line[96];
    snprintf(line, sizeof line, "trapdemo_b pid=%d: waiting for the scenario in %s\n", (int)getpid(), path);
    say(line);
    trace = malloc(TRACE_MAX);
    if (!trace)
        return 1;
    long len = -1;
    int ok = 0;
    for (int i = 0; i < TRIES && !ok; i++) {
        struct timespec nap = { 0, NAP_MS * 1000000L };
        nanosleep(&nap, NULL);
        len = load(path);
        if (len < 0) {
            snprintf(line, sizeof line, "trapdemo_b: cannot read %s: %s\n", path, strerror(errno));
            say(line);
            return 1;
        }
        ok = complete((int)getpid());
    }
    if (!ok)
        say("trapdemo_b: the trace never showed the scenario; printing it anyway\n");
    say("--- trace begin ---\n");
    if (len > 0 && write(1, trace, (size_t)len) < 0)
        return 1;
    if (len > 0 && trace[len - 1] != '\n')
        say("\n");
    say("--- trace end ---\n");
    return ok ? 0 : 1;
}
