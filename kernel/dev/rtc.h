/* The wall clock: read once at boot from the machine's RTC (QEMU virt's goldfish RTC), then
 * carried forward by the monotonic timer. Without an RTC the clock starts at the epoch. */
#ifndef DEV_RTC_H
#define DEV_RTC_H

#include <stdint.h>

struct machine_info;

void rtc_init(const struct machine_info *mi);
/* Nanoseconds since the Unix epoch now (CLOCK_REALTIME). */
uint64_t rtc_realtime_ns(void);
/* An absolute CLOCK_REALTIME time as a monotonic deadline (a time before boot becomes 1 ns,
 * i.e. already past). Timers and futexes sleep on the monotonic clock only. */
uint64_t rtc_to_monotonic(uint64_t realtime_ns);

#endif
