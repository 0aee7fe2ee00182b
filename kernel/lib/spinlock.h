/* Spinlocks that also disable interrupts on this hart, with nesting: interrupts come back
 * on only when the outermost lock is released, and only if they were on before it. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    uint32_t locked;
    int owner;              /* hart index holding it, -1 if none (for diagnostics) */
    const char *name;
};

#define SPINLOCK_INIT(n) { 0, -1, n }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(const struct spinlock *l);   /* by this hart */

/* Interrupt-disable nesting on this hart (used by spin_lock). */
void intr_push(void);
void intr_pop(void);

/* The big kernel lock: held by a hart whenever it runs kernel code on behalf of processes
 * (from trap entry until the return to U-mode, and in the scheduler except while idle).
 * Kernel code always runs with interrupts off, so taking it needs no interrupt bookkeeping:
 * use kernel_lock_acquire/release (they are on every trap's path). */
extern struct spinlock kernel_lock;
void kernel_lock_acquire(void);
void kernel_lock_release(void);

#endif
