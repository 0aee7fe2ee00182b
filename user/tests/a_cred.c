/* Credentials and memory locking: get/set of real/effective/saved/fs uids and gids and the
 * unprivileged rules after dropping root, supplementary groups, capget/capset (full set for
 * root, dropping bits, EPERM for raising), personality, mlock/mlock2/munlock/mlockall/
 * munlockall and mincore, with Linux's errors for bad input. */
#include "tap.h"
#include <stdbool.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/klog.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/time.h>

struct cap_hdr { uint32_t version; int pid; };
struct cap_dat { uint32_t eff, perm, inh; };

static void id_checks(void)
{
    uid_t r, e, s;
    check(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "ids-root", "not root");
    check(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "getresuid-root", "%u %u %u", r, e, s);
    check_ret("getresuid-EFAULT", syscall(SYS_getresuid, (void *)8, &e, &s), -EFAULT);
    check_ret("getgroups-none", getgroups(0, NULL), 0);
    gid_t g[3] = { 10, 20, 30 }, back[3] = { 0 };
    check_ret("setgroups", setgroups(3, g), 0);
    check(getgroups(3, back) == 3 && back[2] == 30, "getgroups", "back[2]=%u", back[2]);
    check_ret("getgroups-count", getgroups(0, NULL), 3);
    check_ret("getgroups-EINVAL-small", getgroups(2, back), -EINVAL);
    check_ret("getgroups-EINVAL-negative", syscall(SYS_getgroups, -1, back), -EINVAL);
    check_ret("setgroups-EINVAL-huge", syscall(SYS_setgroups, 70000, g), -EINVAL);
    check_ret("setgroups-EFAULT", syscall(SYS_setgroups, 2, (void *)8), -EFAULT);
    check_ret("setuid-EINVAL", syscall(SYS_setuid, -1), -EINVAL);

    /* In a child: become uid 1000/gid 100 keeping a saved root uid, then follow the rules. */
    int pid = fork();
    if (pid == 0) {
        int bad = 0;
        bad |= setresgid(100, 100, 0) != 0;
        bad |= (setresuid(1000, 1000, 0) != 0) << 1;
        bad |= (getuid() != 1000 || geteuid() != 1000 || getgid() != 100) << 2;
        bad |= (setfsuid(-1) != 1000) << 3;                 /* fsuid follows euid */
        bad |= (seteuid(0) != 0 || geteuid() != 0) << 4;    /* back through the saved uid */
        bad |= (seteuid(1000) != 0) << 5;
        bad |= (setuid(2000) == 0 || errno != EPERM) << 6;  /* not one of ours */
        bad |= (setgroups(0, NULL) == 0 || errno != EPERM) << 7;
        bad |= (setreuid(-1, 0) != 0 || geteuid() != 0) << 8;
        bad |= (setuid(1000) != 0) << 9;                    /* privileged again: sets all three */
        getresuid(&r, &e, &s);
        bad |= (r != 1000 || e != 1000 || s != 1000) << 10;
        bad |= (seteuid(0) == 0 || errno != EPERM) << 11;   /* root is gone for good */
        struct cap_hdr h = { 0x20080522, 0 };
        struct cap_dat d[2];
        bad |= (syscall(SYS_capget, &h, d) != 0 || d[0].eff || d[0].perm) << 12;
        _exit(bad & 0xff ? bad & 0xff : bad >> 8 ? 0x80 | (bad >> 8) : 0);
    }
    int st = wait_for(pid, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setuid-rules", "%s", status_str(st));
    check(getuid() == 0, "parent-still-root", "uid %u", getuid());
}

static void cap_checks(void)
{
    struct cap_hdr h = { 0x20080522, 0 };
    struct cap_dat d[2];
    check(syscall(SYS_capget, &h, d) == 0 && d[0].eff == 0xffffffff && d[1].eff == 0x1ff &&
          d[0].perm == 0xffffffff && d[0].inh == 0, "capget-full", "eff %x %x", d[0].eff, d[1].eff);
    struct cap_hdr v = { 0x1234, 0 };
    check(syscall(SYS_capget, &v, d) < 0 && errno == EINVAL && v.version == 0x20080522, "capget-bad-version",
          "errno %d version %x", errno, v.version);
    v.version = 0;
    check(syscall(SYS_capget, &v, NULL) == 0 && v.version == 0x20080522, "capget-probe", "version %x",
          v.version);
    h.pid = 99999;
    check_ret("capget-ESRCH", syscall(SYS_capget, &h, d), -ESRCH);
    h.pid = 0;
    check_ret("capget-EFAULT", syscall(SYS_capget, &h, (void *)8), -EFAULT);
    int pid = fork();
    if (pid == 0) {
        struct cap_hdr hh = { 0x20080522, 0 };
        struct cap_dat dd[2] = { { 0x1, 0x3, 0 }, { 0, 0, 0 } };
        if (syscall(SYS_capset, &hh, dd))
            _exit(1);
        struct cap_dat up[2] = { { 0x7, 0x7, 0 }, { 0, 0, 0 } };
        if (syscall(SYS_capset, &hh, up) == 0 || errno != EPERM)
            _exit(2);
        struct cap_dat eff_out[2] = { { 0x4, 0x3, 0 }, { 0, 0, 0 } };
        if (syscall(SYS_capset, &hh, eff_out) == 0 || errno != EPERM)
            _exit(3);
        syscall(SYS_capget, &hh, dd);
        if (dd[0].eff != 1 || dd[0].perm != 3)
            _exit(4);
        /* Without CAP_SETUID (bit 7), setuid to another uid fails. */
        if (setuid(5) == 0 || errno != EPERM)
            _exit(5);
        _exit(0);
    }
    int st = wait_for(pid, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "capset-rules", "%s", status_str(st));
    check_ret("capset-EPERM-other", (h.pid = 1, syscall(SYS_capset, &h, d)), getpid() == 1 ? 0 : -EPERM);
}

static void personality_checks(void)
{
    check_ret("personality-query", personality(0xffffffff), 0);
    check_ret("personality-set-flag", personality(ADDR_NO_RANDOMIZE), 0);
    check_ret("personality-query-flag", personality(0xffffffff), ADDR_NO_RANDOMIZE);
    check_ret("personality-EINVAL-other", personality(PER_BSD), -EINVAL);
    personality(PER_LINUX);
}

static void mlock_checks(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char vec[4] = { 9, 9, 9, 9 };
    check(mincore(m, 4 * pg, vec) == 0 && vec[0] == 0 && vec[3] == 0, "mincore-untouched", "%d %d", vec[0],
          vec[3]);
    m[pg] = 1;
    check(mincore(m, 4 * pg, vec) == 0 && vec[0] == 0 && vec[1] == 1, "mincore-touched", "%d %d", vec[0], vec[1]);
    check_ret("mlock", mlock(m + 10, 2 * pg), 0);   /* pages 0..2 */
    check(mincore(m, 4 * pg, vec) == 0 && vec[0] && vec[1] && vec[2] && !vec[3], "mlock-populates",
          "%d %d %d %d", vec[0], vec[1], vec[2], vec[3]);
    check_ret("munlock", munlock(m, 4 * pg), 0);
    check_ret("mlock2-onfault", mlock2(m, pg, MLOCK_ONFAULT), 0);
    check_ret("mlock2-EINVAL-flags", mlock2(m, pg, 0x10), -EINVAL);
    check_ret("mlock-zero-len", mlock(m, 0), 0);
    munmap(m + 2 * pg, pg);
    check_ret("mlock-ENOMEM-hole", mlock(m, 4 * pg), -ENOMEM);
    check_ret("mincore-ENOMEM-hole", mincore(m, 4 * pg, vec), -ENOMEM);
    check_ret("mincore-EINVAL-unaligned", mincore(m + 1, pg, vec), -EINVAL);
    check_ret("mincore-EFAULT", mincore(m, pg, (unsigned char *)8), -EFAULT);
    check_ret("munlock-ENOMEM", munlock((void *)0x1000, pg), -ENOMEM);
    check_ret("mlockall", mlockall(MCL_CURRENT | MCL_FUTURE), 0);
    check_ret("mlockall-EINVAL-zero", mlockall(0), -EINVAL);
    check_ret("mlockall-EINVAL-onfault-alone", mlockall(MCL_ONFAULT), -EINVAL);
    check_ret("munlockall", munlockall(), 0);
}

/* /proc/stat and /proc/loadavg in the shapes top, ps, vmstat and uptime parse. */
static void procfs_checks(void)
{
    char buf[2048] = { 0 };
    FILE *f = fopen("/proc/stat", "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    unsigned long long u, ni, sy, id;
    int procs = 0;
    char *pr = strstr(buf, "\nprocesses ");
    check(n > 0 && sscanf(buf, "cpu  %llu %llu %llu %llu", &u, &ni, &sy, &id) == 4 && strstr(buf, "\ncpu0 ") &&
          pr && sscanf(pr, "\nprocesses %d", &procs) == 1 && procs >= 1, "proc-stat", "got: %.80s", buf);
    memset(buf, 0, sizeof buf);
    f = fopen("/proc/loadavg", "r");
    n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    double l1, l5, l15;
    int run, total, last;
    check(n > 0 && sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &total, &last) == 6 && run >= 1 &&
          total >= run && last >= getpid(), "proc-loadavg", "got: %s", buf);
}

/* syslog(2) as dmesg uses it: the kernel's boot messages are in the log. */
static void klog_checks(void)
{
    static char buf[16384 + 1];
    check_ret("syslog-size-buffer", klogctl(10, NULL, 0), 16384);
    int n = klogctl(3, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    check(n > 0 && strstr(buf, "rvix: booting"), "syslog-read-all", "n=%d", n);
    check_ret("syslog-EINVAL-type", klogctl(99, buf, 10), -EINVAL);
    check_ret("syslog-EINVAL-null", klogctl(3, NULL, 10), -EINVAL);
    check_ret("syslog-EFAULT", klogctl(3, (char *)8, 100), -EFAULT);
    check_ret("syslog-EINVAL-level", klogctl(8, NULL, 9), -EINVAL);
}

/* The wall clock comes from QEMU virt's RTC: a date after 2020, the same in every clock call
 * and in new files' times, and an absolute CLOCK_REALTIME sleep wakes when it should. */
static void realtime_checks(void)
{
    struct timespec ts, mono0, mono1;
    struct timeval tv;
    struct timespec up;
    clock_gettime(CLOCK_REALTIME, &ts);
    clock_gettime(CLOCK_MONOTONIC, &up);
    gettimeofday(&tv, NULL);
    /* From the RTC (QEMU virt's goldfish), or on a machine without one (sifive_u) the epoch at
     * boot: then the wall clock reads the uptime. */
    bool from_rtc = ts.tv_sec > 1577836800, no_rtc = ts.tv_sec >= up.tv_sec && ts.tv_sec - up.tv_sec < 5;
    check((from_rtc || no_rtc) && tv.tv_sec - ts.tv_sec >= 0 && tv.tv_sec - ts.tv_sec < 5 &&
          time(NULL) - ts.tv_sec < 5, "realtime-from-rtc", "realtime %ld gettimeofday %ld", (long)ts.tv_sec,
          (long)tv.tv_sec);
    FILE *f = fopen("/tmp/a_cred.t", "w");
    struct stat st;
    check(f && fstat(fileno(f), &st) == 0 && st.st_mtim.tv_sec - ts.tv_sec >= 0 && st.st_mtim.tv_sec - ts.tv_sec < 5,
          "file-times-realtime", "mtime %ld", (long)st.st_mtim.tv_sec);
    if (f)
        fclose(f);
    unlink("/tmp/a_cred.t");
    clock_gettime(CLOCK_MONOTONIC, &mono0);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 200 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    int r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
    clock_gettime(CLOCK_MONOTONIC, &mono1);
    long ms = (mono1.tv_sec - mono0.tv_sec) * 1000 + (mono1.tv_nsec - mono0.tv_nsec) / 1000000;
    check(r == 0 && ms >= 190 && ms < 3000, "clock_nanosleep-realtime-abstime", "r=%d slept %ld ms", r, ms);

    /* Setting the clock: forward a day and back; the monotonic clock does not move. */
    struct timespec before, after, m0, m1;
    clock_gettime(CLOCK_REALTIME, &before);
    clock_gettime(CLOCK_MONOTONIC, &m0);
    struct timespec later = { before.tv_sec + 86400, before.tv_nsec };
    check_ret("clock_settime", clock_settime(CLOCK_REALTIME, &later), 0);
    clock_gettime(CLOCK_REALTIME, &after);
    clock_gettime(CLOCK_MONOTONIC, &m1);
    check(after.tv_sec - before.tv_sec >= 86400 && after.tv_sec - before.tv_sec < 86405 && m1.tv_sec - m0.tv_sec < 5,
          "clock_settime-moves-realtime-only", "delta %ld, mono delta %ld", (long)(after.tv_sec - before.tv_sec),
          (long)(m1.tv_sec - m0.tv_sec));
    struct timeval back = { before.tv_sec, 0 };
    check_ret("settimeofday", settimeofday(&back, NULL), 0);
    gettimeofday(&tv, NULL);
    check(tv.tv_sec - before.tv_sec >= 0 && tv.tv_sec - before.tv_sec < 5, "settimeofday-back", "%ld",
          (long)(tv.tv_sec - before.tv_sec));
    struct timespec bad = { 0, 2000000000 };
    check_ret("clock_settime-EINVAL-nsec", clock_settime(CLOCK_REALTIME, &bad), -EINVAL);
    check_ret("clock_settime-EINVAL-monotonic", clock_settime(CLOCK_MONOTONIC, &later), -EINVAL);
    check_ret("clock_settime-EFAULT", syscall(SYS_clock_settime, CLOCK_REALTIME, (struct timespec *)8), -EFAULT);
    struct timeval badtv = { before.tv_sec, 1000000 };
    check_ret("settimeofday-EINVAL-usec", settimeofday(&badtv, NULL), -EINVAL);
}

int main(void)
{
    realtime_checks();
    klog_checks();
    procfs_checks();
    id_checks();
    cap_checks();
    personality_checks();
    mlock_checks();
    return t_failed != 0;
}
