/* Futexes: sleeping on a 32-bit user word, keyed by (address space, address) for private
 * futexes and by physical address for words in MAP_SHARED memory. */
#ifndef PROC_FUTEX_H
#define PROC_FUTEX_H

#include <stdint.h>
#include <stdbool.h>

struct proc;

/* Wake up to nr waiters of the word at uaddr in the current address space (shared key, as
 * Linux does for CLONE_CHILD_CLEARTID); the number woken, or -errno. */
long futex_wake(uint64_t uaddr, int nr, bool private_key);
/* Thread death or execve: walk p's robust list (p is current), marking held locks
 * FUTEX_OWNER_DIED and waking one waiter of each. */
void futex_robust_release(struct proc *p);
/* Drop p from any futex queue (it is exiting). */
void futex_forget(struct proc *p);

#endif
