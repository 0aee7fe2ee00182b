/* The wall clock: read once at boot from the machine's RTC (QEMU virt's goldfish RTC), then
 * carried forward by the monotonic timer. Without an RTC the clock starts at the epoch. */
#ifndef DEV_RTC_H
#define DEV_RTC_H

#include <stdint.h>

struct machine_info;

void rtc_init(const struct machine_info *mi);
/* Nanoseconds since the Unix epoch now (CLOCK_REALTIME). */
uint64_t rtc_realtime_ns(void);

#endif
