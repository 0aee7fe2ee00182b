/* Argument checking and basic semantics of the first milestone's system calls. */
#include "ulib.h"

static int64_t ts_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void expect(const char *name, long got, long want)
{
    t_check(got == want, name, "returned %ld, expected %ld", got, want);
}

int main(void)
{
    long pid = sys_getpid();
    t_check(pid > 0, "getpid", "getpid returned %ld", pid);
    long pid2 = sys_getpid();
    t_check(pid2 == pid, "getpid-stable", "getpid returned %ld then %ld", pid, pid2);

    expect("sched_yield", sys_sched_yield(), 0);

    expect("enosys-500", syscall0(500), -ENOSYS);
    expect("enosys-9999", syscall0(9999), -ENOSYS);
    expect("enosys-minus1", syscall0(-1), -ENOSYS);
    expect("enosys-huge", syscall0(0x100000040L), -ENOSYS); /* low 32 bits are write's number */

    /* Both clocks work and give normalised values. */
    struct timespec rt = { -1, -1 }, mono = { -1, -1 };
    long r1 = sys_clock_gettime(CLOCK_REALTIME, &rt);
    long r2 = sys_clock_gettime(CLOCK_MONOTONIC, &mono);
    t_check(r1 == 0 && rt.tv_sec >= 0 && rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000L,
            "clock_gettime-realtime", "returned %ld, {%ld, %ld}", r1, rt.tv_sec, rt.tv_nsec);
    t_check(r2 == 0 && mono.tv_sec >= 0 && mono.tv_nsec >= 0 && mono.tv_nsec < 1000000000L,
            "clock_gettime-monotonic", "returned %ld, {%ld, %ld}", r2, mono.tv_sec, mono.tv_nsec);

    /* MONOTONIC never goes backwards. */
    struct timespec prev = mono, cur;
    int bad = 0, i;
    for (i = 0; i < 1000 && !bad; i++) {
        long r = sys_clock_gettime(CLOCK_MONOTONIC, &cur);
        if (r != 0 || cur.tv_nsec < 0 || cur.tv_nsec >= 1000000000L || ts_ns(&cur) < ts_ns(&prev))
            bad = 1;
        else
            prev = cur;
    }
    t_check(!bad, "monotonic-nondecreasing", "call %d: {%ld, %ld} after {%ld, %ld}",
            i, cur.tv_sec, cur.tv_nsec, prev.tv_sec, prev.tv_nsec);

    /* A 100 ms sleep lasts at least 100 ms and not absurdly long. */
    int64_t t0 = mono_ns();
    long r = msleep(100);
    int64_t dt = mono_ns() - t0;
    t_check(r == 0 && dt >= 100000000LL && dt < 2000000000LL, "nanosleep-100ms",
            "returned %ld after %ld ns", r, (long)dt);

    struct timespec zero = { 0, 0 };
    expect("nanosleep-zero", sys_nanosleep(&zero, 0), 0);

    struct timespec junk;
    expect("clock_gettime-bad-clock", sys_clock_gettime(99, &junk), -EINVAL);
    expect("clock_gettime-negative-clock", sys_clock_gettime(-1000, &junk), -EINVAL);

    struct timespec big_ns = { 0, 1000000000L };
    expect("nanosleep-nsec-1e9", sys_nanosleep(&big_ns, 0), -EINVAL);
    struct timespec neg_ns = { 0, -1 };
    expect("nanosleep-negative-nsec", sys_nanosleep(&neg_ns, 0), -EINVAL);
    struct timespec neg_s = { -1, 0 };
    expect("nanosleep-negative-sec", sys_nanosleep(&neg_s, 0), -EINVAL);

    expect("write-bad-fd-7", sys_write(7, "x", 1), -EBADF);
    expect("write-bad-fd-negative", sys_write(-1, "x", 1), -EBADF);
    expect("write-bad-fd-huge", sys_write(1 << 20, "x", 1), -EBADF);
    expect("write-zero-length", sys_write(1, "x", 0), 0);
    static const char line[] = "syscalls: counted write on fd 1\n";
    expect("write-stdout-count", sys_write(1, line, sizeof line - 1), (long)(sizeof line - 1));
    static const char eline[] = "syscalls: counted write on fd 2\n";
    expect("write-stderr-count", sys_write(2, eline, sizeof eline - 1), (long)(sizeof eline - 1));

    /* sysinfo: sane numbers. */
    struct sysinfo si;
    memset(&si, 0xff, sizeof si);
    r = sys_sysinfo(&si);
    t_check(r == 0 && si.mem_unit >= 1 && si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram
            && (unsigned long long)si.totalram * si.mem_unit <= 1ULL << 40,
            "sysinfo", "returned %ld, totalram %lu freeram %lu mem_unit %u",
            r, si.totalram, si.freeram, si.mem_unit);

    /* times: returns ticks since boot, nondecreasing. */
    struct tms tm1, tm2;
    long k1 = sys_times(&tm1);
    long k2 = sys_times(&tm2);
    t_check(k1 >= 0 && k2 >= k1 && tm1.tms_utime >= 0 && tm1.tms_stime >= 0 && tm2.tms_utime >= tm1.tms_utime,
            "times", "returned %ld then %ld, utime %ld then %ld", k1, k2, tm1.tms_utime, tm2.tms_utime);
    return t_status();
}
