/* kpanic: report a broken kernel invariant with a backtrace, then power off. */
#include <stdarg.h>
#include "lib/panic.h"
#include "lib/printf.h"
#include "dev/console.h"
#include "arch.h"

static void panic_emit(char c, void *arg)
{
    (void)arg;
    char s[2] = { c, 0 };
    kprintf("%s", s);
}

void kpanic(const char *fmt, ...)
{
    va_list ap;
    arch_intr_off();
    kprintf("\npanic: ");
    va_start(ap, fmt);
    kvformat(panic_emit, NULL, fmt, ap);
    va_end(ap);
    kprintf("\n");
    /* Start at kpanic's caller: its return address and its frame. */
    uint64_t fp = cpu_frame_pointer();
    arch_backtrace(((uint64_t *)fp)[-2], ((uint64_t *)fp)[-1]);
    arch_power_off(true);
}
