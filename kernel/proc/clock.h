/* The Linux clock ids (clock_gettime, clock_nanosleep, timer_create, timerfd_create) and
 * TIMER_ABSTIME, shared by sys_time.c, itimer.c and fs/timerfd.c. */
#ifndef PROC_CLOCK_H
#define PROC_CLOCK_H

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define CLOCK_REALTIME_ALARM     8
#define CLOCK_BOOTTIME_ALARM     9
#define TIMER_ABSTIME            1

#endif
