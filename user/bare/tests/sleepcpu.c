/* CPU time accounting: sleeping costs (almost) no CPU time, spinning does. */
#include "ulib.h"

int main(void)
{
    struct tms a, b, c;
    long k0 = sys_times(&a);
    long r = msleep(300);
    long k1 = sys_times(&b);
    long used = (b.tms_utime + b.tms_stime) - (a.tms_utime + a.tms_stime);
    uprintf("sleepcpu: sleep: ticks %ld -> %ld, utime %ld -> %ld, stime %ld -> %ld\n",
            k0, k1, a.tms_utime, b.tms_utime, a.tms_stime, b.tms_stime);
    t_check(r == 0 && k0 >= 0 && k1 > k0, "sleep-wall-ticks",
            "nanosleep returned %ld; times() went from %ld to %ld across a 300 ms sleep", r, k0, k1);
    t_check(used >= 0 && used <= 2, "sleep-no-cpu", "a 300 ms sleep cost %ld ticks of CPU time", used);

    /* Spin for 150 ms of wall time (asking the clock only every 1000 rounds). */
    int64_t t0 = mono_ns(), t = t0;
    volatile unsigned long sink = 0;
    while (t >= 0 && t - t0 < 150000000LL) {
        for (int i = 0; i < 1000; i++)
            sink += (unsigned long)i;
        t = mono_ns();
    }
    long k2 = sys_times(&c);
    long du = c.tms_utime - b.tms_utime;
    long ds = c.tms_stime - b.tms_stime;
    long dk = k2 - k1;
    uprintf("sleepcpu: spin: %ld ms, ticks +%ld, utime +%ld, stime +%ld\n",
            (long)((t - t0) / 1000000), dk, du, ds);
    t_check(t >= 0, "spin-clock", "clock_gettime failed during the spin");
    t_check(du >= 1, "spin-utime", "150 ms of spinning gave utime +%ld (stime +%ld)", du, ds);
    t_check(du + ds <= dk + 1, "cpu-le-wall", "utime+stime grew by %ld ticks but only %ld ticks of wall time passed",
            du + ds, dk);
    t_check(c.tms_cutime == 0 && c.tms_cstime == 0, "no-children-time",
            "cutime %ld cstime %ld without any children", c.tms_cutime, c.tms_cstime);
    return t_status();
}
