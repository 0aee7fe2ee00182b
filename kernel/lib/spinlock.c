/* Spinlocks on the RISC-V A extension (through GCC's atomic built-ins: amoswap with acquire
 * and release ordering), and per-hart interrupt-disable nesting. */
#include "lib/spinlock.h"
#include "lib/panic.h"
#include "proc/sched.h"
#include "arch.h"

struct spinlock kernel_lock = SPINLOCK_INIT("kernel");

void intr_push(void)
{
    bool was_on = cpu_intr_enabled();
    arch_intr_off();
    struct cpu *c = this_cpu();
    if (c->intr_depth++ == 0)
        c->intr_was_on = was_on;
}

void intr_pop(void)
{
    struct cpu *c = this_cpu();
    if (cpu_intr_enabled())
        kpanic("intr_pop with interrupts on");
    if (c->intr_depth <= 0)
        kpanic("intr_pop without intr_push");
    if (--c->intr_depth == 0 && c->intr_was_on)
        arch_intr_on();
}

bool spin_held(const struct spinlock *l)
{
    return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) && l->owner == (int)this_cpu()->index;
}

static void spin_acquire(struct spinlock *l)
{
    /* While waiting, keep answering TLB shootdowns: the holder may be waiting for us. */
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            arch_tlb_shootdown_poll();
    l->owner = (int)this_cpu()->index;
}

static void spin_release(struct spinlock *l)
{
    l->owner = -1;
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

void spin_lock(struct spinlock *l)
{
    intr_push();
    if (spin_held(l))
        kpanic("spin_lock: %s already held by this hart", l->name);
    spin_acquire(l);
}

void spin_unlock(struct spinlock *l)
{
    if (!spin_held(l))
        kpanic("spin_unlock: %s not held by this hart", l->name);
    spin_release(l);
    intr_pop();
}

void kernel_lock_acquire(void)
{
    spin_acquire(&kernel_lock);
}

void kernel_lock_release(void)
{
    spin_release(&kernel_lock);
}
