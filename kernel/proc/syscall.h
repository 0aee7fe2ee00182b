/* System-call dispatch: Linux riscv64 (asm-generic) numbers; results are values or -errno. */
#ifndef PROC_SYSCALL_H
#define PROC_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

/* rt_sigreturn restores every register, a0 included: its result must not overwrite a0. */
#define SYSCALL_NR_RT_SIGRETURN 139

struct syscall_args {
    uint64_t nr;
    uint64_t a[6];
};

long syscall_dispatch(const struct syscall_args *args);
/* How many calls to each unimplemented number were made (for `make bench` and /proc later). */
uint64_t syscall_enosys_count(uint64_t nr);
/* /proc/enosys: "<number> <calls>" for every unimplemented number that was called. */
size_t syscall_enosys_format(char *buf, size_t n);
/* At power-off: one console line "kernel: enosys <number> <calls>" per unimplemented number
 * called since boot (scripts/qemu-test.py judges them). Numbers past the table are ">=N". */
void syscall_enosys_report(void);

#endif
