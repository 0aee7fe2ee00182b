/* Loading an ELF executable into a fresh address space with the Linux initial stack. */
#ifndef PROC_EXEC_H
#define PROC_EXEC_H

struct proc;

#define EXEC_ARG_MAX  (128 * 1024)  /* bytes of argument and environment strings */
#define EXEC_ARGC_MAX 4096

/* Replace p's program with the file at path. argv and envp are kernel pointers.
 * On failure p is unchanged: the new address space is built completely before the old one goes. */
int exec_load(struct proc *p, const char *path, const char *const argv[], const char *const envp[]);

#endif
