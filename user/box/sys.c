/* box: tools about processes and the system: ps, kill, sleep, env, uname, free, uptime,
 * pwd, date, seq, true, false, clear, sync, poweroff, reboot. */
#include "box.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int tool_true(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 0;
}

int tool_false(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 1;
}

struct ps_entry {
    int pid, ppid, pgid;
    char state;
    char cmd[256];
};

static int by_pid(const void *a, const void *b)
{
    return ((const struct ps_entry *)a)->pid - ((const struct ps_entry *)b)->pid;
}

/* /proc/PID/stat is "pid (comm) state ppid pgrp session tty_nr tpgid ..." as on Linux.
 * comm may hold spaces and parentheses, so it ends at the last ')'. */
static int read_stat(int pid, struct ps_entry *e)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof buf) <= 0)
        return -1;
    char *open = strchr(buf, '(');
    char *close = strrchr(buf, ')');
    if (!open || !close || close < open)
        return -1;
    e->pid = pid;
    if (sscanf(close + 1, " %c %d %d", &e->state, &e->ppid, &e->pgid) != 3)
        return -1;
    snprintf(e->cmd, sizeof e->cmd, "[%.*s]", (int)(close - open - 1), open + 1);
    /* The full command line when /proc/PID/cmdline has one (NUL-separated arguments). */
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    ssize_t n = read_file(path, buf, sizeof buf);
    if (n > 0) {
        for (ssize_t k = 0; k < n - 1; k++)
            if (buf[k] == 0)
                buf[k] = ' ';
        snprintf(e->cmd, sizeof e->cmd, "%.*s", (int)sizeof e->cmd - 1, buf);
    }
    return 0;
}

/* ps: every process in /proc; options are accepted and ignored (it always shows all). */
int tool_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    DIR *d = opendir("/proc");
    if (!d) {
        warn_errno("/proc");
        return 1;
    }
    struct ps_entry *v = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            if (!v) {
                warn_msg("out of memory");
                return 1;
            }
        }
        if (read_stat(atoi(de->d_name), &v[n]) == 0)
            n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, by_pid);
    printf("%5s %5s %5s S CMD\n", "PID", "PPID", "PGID");
    for (int i = 0; i < n; i++)
        printf("%5d %5d %5d %c %s\n", v[i].pid, v[i].ppid, v[i].pgid, v[i].state, v[i].cmd);
    free(v);
    return 0;
}

static void list_signals(const char *which)
{
    if (which) {
        int sig = atoi(which);
        if (sig > 128)
            sig -= 128;     /* kill -l $? after a signal death */
        const char *name = sig > 0 && sig < NSIG ? sigabbrev_np(sig) : NULL;
        if (name)
            printf("%s\n", name);
        else
            warn_msg("%s: invalid signal", which);
        return;
    }
    for (int sig = 1; sig < NSIG; sig++)
        if (sigabbrev_np(sig))
            printf("%2d) SIG%s\n", sig, sigabbrev_np(sig));
}

/* kill [-s SIG | -SIG | -N] PID... ; kill -l [N]. Negative PIDs name process groups. */
int tool_kill(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        list_signals(i + 1 < argc ? argv[i + 1] : NULL);
        return 0;
    }
    if (i + 1 < argc && strcmp(argv[i], "-s") == 0) {
        sig = signal_number(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0 &&
               !isdigit((unsigned char)argv[i][1])) {
        sig = signal_number(argv[i++] + 1);
    } else if (i + 1 < argc && argv[i][0] == '-' && isdigit((unsigned char)argv[i][1])) {
        sig = signal_number(argv[i++] + 1);   /* -9 PID: a number first is a signal */
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (sig < 0) {
        warn_msg("invalid signal");
        return 1;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: kill [-s SIG | -SIG] PID...\n");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        long pid;
        if (!parse_long(argv[i], &pid)) {
            st = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) < 0) {
            warn_errno(argv[i]);
            st = 1;
        }
    }
    return st;
}

/* sleep N[smhd]...: the sum; fractions allowed (0.5). */
int tool_sleep(int argc, char **argv)
{
    if (argc < 2) {
        warn_msg("missing operand");
        return 1;
    }
    double total = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        double v = strtod(argv[i], &end);
        double unit = 1;
        if (*end && !end[1] && strchr("smhd", *end))
            unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 1, end++;
        if (end == argv[i] || *end || v < 0) {
            warn_msg("invalid time interval '%s'", argv[i]);
            return 1;
        }
        total += v * unit;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)total;
    ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

/* env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]] */
int tool_env(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-") == 0)
            clearenv();
        else if (strcmp(argv[i], "-u") == 0 && i + 1 < argc)
            unsetenv(argv[++i]);
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            warn_msg("unknown option %s", argv[i]);
            return 125;
        }
    }
    for (; i < argc && strchr(argv[i], '='); i++)
        putenv(argv[i]);
    if (i >= argc) {
        for (char **e = environ; e && *e; e++)
            printf("%s\n", *e);
        return 0;
    }
    execvp(argv[i], argv + i);
    int err = errno;
    warn_errno(argv[i]);
    return err == ENOENT ? 127 : 126;
}

/* uname [-asnrvm]: -s by default; -a is all of them. */
int tool_uname(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "asnrvmp", &o);
    if (i < 0)
        return 1;
    struct utsname u;
    if (uname(&u) < 0) {
        warn_errno("uname");
        return 1;
    }
    int all = o.on['a'];
    const char *fields[] = {u.sysname, u.nodename, u.release, u.version, u.machine};
    const char flags[] = "snrvm";
    int any = 0;
    for (int k = 0; k < 5; k++)
        any |= o.on[(int)flags[k]];
    if (o.on['p'] && !all) {
        printf("%s\n", u.machine);
        return 0;
    }
    const char *sep = "";
    for (int k = 0; k < 5; k++) {
        if (all || o.on[(int)flags[k]] || (!any && k == 0)) {
            printf("%s%s", sep, fields[k]);
            sep = " ";
        }
    }
    printf("\n");
    return 0;
}

/* A "Name:   123 kB" line of /proc/meminfo, in KiB; -1 when missing. */
static long meminfo_value(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) == 0 && p[n] == ':')
            return strtol(p + n + 1, NULL, 10);
    }
    return -1;
}

/* free [-b|-k|-m]: memory from /proc/meminfo (MemTotal, MemFree; MemAvailable, Buffers,
 * Cached, SwapTotal, SwapFree when present). KiB by default. */
int tool_free(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "bkmh", &o);
    if (i < 0)
        return 1;
    char buf[4096];
    if (read_file("/proc/meminfo", buf, sizeof buf) <= 0) {
        warn_errno("/proc/meminfo");
        return 1;
    }
    long total = meminfo_value(buf, "MemTotal"), freek = meminfo_value(buf, "MemFree");
    if (total < 0 || freek < 0) {
        warn_msg("/proc/meminfo: no MemTotal/MemFree");
        return 1;
    }
    long avail = meminfo_value(buf, "MemAvailable");
    long cache = 0;
    long b = meminfo_value(buf, "Buffers"), c = meminfo_value(buf, "Cached");
    cache += b > 0 ? b : 0;
    cache += c > 0 ? c : 0;
    if (avail < 0)
        avail = freek + cache;
    long used = total - freek - cache;
    double scale = o.on['b'] ? 1024.0 : o.on['m'] ? 1.0 / 1024 : 1.0;
    printf("%-6s %12s %12s %12s %12s %12s\n", "", "total", "used", "free", "buff/cache",
           "available");
    printf("%-6s %12.0f %12.0f %12.0f %12.0f %12.0f\n", "Mem:", total * scale, used * scale,
           freek * scale, cache * scale, avail * scale);
    long st = meminfo_value(buf, "SwapTotal"), sf = meminfo_value(buf, "SwapFree");
    if (st >= 0 && sf >= 0)
        printf("%-6s %12.0f %12.0f %12.0f\n", "Swap:", st * scale, (st - sf) * scale, sf * scale);
    return 0;
}

/* uptime: time of day, time since boot (/proc/uptime), load (/proc/loadavg if present). */
int tool_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    char buf[256];
    if (read_file("/proc/uptime", buf, sizeof buf) <= 0) {
        warn_errno("/proc/uptime");
        return 1;
    }
    long up = (long)strtod(buf, NULL);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
    long days = up / 86400, hours = up / 3600 % 24, mins = up / 60 % 60;
    if (days)
        printf("%ld day%s, ", days, days == 1 ? "" : "s");
    if (hours)
        printf("%2ld:%02ld", hours, mins);
    else
        printf("%ld min", mins);
    float l1, l5, l15;
    if (read_file("/proc/loadavg", buf, sizeof buf) > 0 &&
        sscanf(buf, "%f %f %f", &l1, &l5, &l15) == 3)
        printf(",  load average: %.2f, %.2f, %.2f", l1, l5, l15);
    printf("\n");
    return 0;
}

int tool_pwd(int argc, char **argv)
{
    (void)argc, (void)argv;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        warn_errno(".");
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}

/* date [+FORMAT]: the time in UTC, strftime format. */
int tool_date(int argc, char **argv)
{
    const char *fmt = "%a %b %e %H:%M:%S UTC %Y";
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '+')
            fmt = argv[i] + 1;
        else if (strcmp(argv[i], "-u") != 0) {
            warn_msg("setting the date is not supported");
            return 1;
        }
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char out[512];
    size_t n = strftime(out, sizeof out, fmt, &tm);
    out[n] = 0;
    printf("%s\n", out);
    return 0;
}

/* seq [FIRST [STEP]] LAST: whole numbers. */
int tool_seq(int argc, char **argv)
{
    long first = 1, step = 1, last;
    if (argc < 2 || argc > 4) {
        warn_msg("usage: seq [FIRST [STEP]] LAST");
        return 1;
    }
    if (!parse_long(argv[argc - 1], &last) || (argc > 2 && !parse_long(argv[1], &first)) ||
        (argc == 4 && !parse_long(argv[2], &step)))
        return 1;
    if (step == 0) {
        warn_msg("step must not be 0");
        return 1;
    }
    for (long v = first; step > 0 ? v <= last : v >= last; v += step)
        printf("%ld\n", v);
    return 0;
}

int tool_clear(int argc, char **argv)
{
    (void)argc, (void)argv;
    fputs("\033[H\033[2J", stdout);
    return 0;
}

int tool_sync(int argc, char **argv)
{
    (void)argc, (void)argv;
    sync();
    return 0;
}

static int do_reboot(int how)
{
    sync();
    if (reboot(how) < 0) {
        warn_errno("reboot");
        return 1;
    }
    return 0;
}

int tool_poweroff(int argc, char **argv)
{
    (void)argc, (void)argv;
    return do_reboot(RB_POWER_OFF);
}

int tool_reboot(int argc, char **argv)
{
    (void)argc, (void)argv;
    return do_reboot(RB_AUTOBOOT);
}
