/* The kernel log: every character kprintf prints is also kept in a ring buffer, which
 * syslog(2) (dmesg) reads. */
#ifndef DEV_KLOG_H
#define DEV_KLOG_H

#include <stddef.h>
#include <stdint.h>

#define KLOG_SIZE 16384

void klog_putc(char c);

#endif
