/* Bad user pointers must give -EFAULT, never a kernel crash or a partial copy
 * into memory the process may not write. */
#include "ulib.h"

#define PAGE 4096UL

extern char _end[]; /* end of .bss, from the default linker script */

static const struct timespec ro_ts = { 12345, 678 }; /* in a read-only segment */
static const struct tms ro_tms = { 1, 2, 3, 4 };

/* The compiler may assume const objects never change: read them back the hard way. */
#define PEEK(x) (*(const volatile long *)&(x))

#define KERNEL_ADDR ((void *)0xffffffff80000000UL)
#define LOW_ADDR    ((void *)0x1000UL)
#define NONCANON    ((void *)0x0000004000000000UL) /* just above Sv39's user half */

static void expect(const char *name, long got, long want)
{
    t_check(got == want, name, "returned %ld, expected %ld", got, want);
}

int main(void)
{
    expect("write-kernel-addr", sys_write(1, KERNEL_ADDR, 8), -EFAULT);
    expect("write-low-addr", sys_write(1, LOW_ADDR, 8), -EFAULT);
    expect("write-null", sys_write(1, 0, 8), -EFAULT);
    expect("write-noncanonical", sys_write(1, NONCANON, 8), -EFAULT);

    /* A buffer that starts in the last mapped page of .bss and runs past it. */
    char *page_end = (char *)(((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1));
    char *tail = page_end - 4;
    memcpy(tail, "[e]\n", 4); /* mapped: the page holding _end - 1 */
    expect("write-tail-mapped", sys_write(1, tail, 4), 4);
    expect("write-crosses-unmapped", sys_write(1, tail, 8), -EFAULT);

    /* Huge lengths wrap around or leave user space. */
    char buf[16] = "xxxxxxxxxxxxxxx";
    long r = sys_write(1, buf, 0x8000000000000000UL);
    t_check(r == -EFAULT || r == -EINVAL, "write-huge-len", "returned %ld", r);

    expect("clock_gettime-low", sys_clock_gettime(CLOCK_MONOTONIC, LOW_ADDR), -EFAULT);
    expect("clock_gettime-kernel", sys_clock_gettime(CLOCK_MONOTONIC, KERNEL_ADDR), -EFAULT);
    r = sys_clock_gettime(CLOCK_MONOTONIC, (struct timespec *)&ro_ts);
    t_check(r == -EFAULT && PEEK(ro_ts.tv_sec) == 12345 && PEEK(ro_ts.tv_nsec) == 678,
            "clock_gettime-readonly", "returned %ld, read-only timespec now {%ld, %ld}",
            r, PEEK(ro_ts.tv_sec), PEEK(ro_ts.tv_nsec));

    expect("nanosleep-low", sys_nanosleep(LOW_ADDR, 0), -EFAULT);
    expect("nanosleep-kernel", sys_nanosleep(KERNEL_ADDR, 0), -EFAULT);

    expect("times-low", sys_times(LOW_ADDR), -EFAULT);
    expect("times-kernel", sys_times(KERNEL_ADDR), -EFAULT);
    r = sys_times((struct tms *)&ro_tms);
    t_check(r == -EFAULT && PEEK(ro_tms.tms_utime) == 1 && PEEK(ro_tms.tms_cstime) == 4,
            "times-readonly", "returned %ld, read-only tms now {%ld, ..., %ld}",
            r, PEEK(ro_tms.tms_utime), PEEK(ro_tms.tms_cstime));

    expect("sysinfo-low", sys_sysinfo(LOW_ADDR), -EFAULT);
    expect("sysinfo-kernel", sys_sysinfo(KERNEL_ADDR), -EFAULT);
    /* sysinfo is 112 bytes: starting 8 bytes before the end of .bss must fail. */
    expect("sysinfo-crosses-unmapped", sys_sysinfo((struct sysinfo *)(page_end - 8)), -EFAULT);

    /* The process is still fine: a good call works after all the bad ones. */
    struct timespec ts;
    expect("clock_gettime-good", sys_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    return t_status();
}
