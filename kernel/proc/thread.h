/* Threads: thread groups made by clone(CLONE_THREAD), their exit, exit_group and execve. */
#ifndef PROC_THREAD_H
#define PROC_THREAD_H

#include <stdint.h>
#include <stdbool.h>

struct proc;

/* What clone and clone3 ask for (clone3's struct clone_args, decoded). */
struct clone_req {
    uint64_t flags;         /* CLONE_* without the exit signal */
    int exit_signal;
    uint64_t stack;         /* new sp, 0 = same as the caller */
    uint64_t tls, ptid, ctid;
};

/* Create a thread or a process; the new tid/pid or -errno. */
long thread_clone(const struct clone_req *r);
/* SYS_exit: end the calling thread only; the last one ends the group. */
__attribute__((noreturn)) void thread_exit(int status);
/* execve's point of no return: kill the other threads and wait for them; a non-leader caller
 * takes over the leader's pid. 0, or -EAGAIN/-EINTR (the group is exiting). */
int thread_exec_prepare(struct proc *p);
/* chdir/fchdir/umask: give the new cwd and umask to the threads sharing p's fs (CLONE_FS). */
void thread_fs_changed(struct proc *p);
/* Is q a live (not free, not zombie) member of group g? */
bool thread_in_group(const struct proc *q, const struct proc *g);

#endif
