/* Pipes (pipe2) and FIFOs: a 64 KiB ring buffer shared by readers and writers. */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "fs/vfs.h"

#define PIPE_BUF      4096          /* writes up to this size are atomic */
#define PIPE_CAPACITY (64 * 1024)

/* Two open files: [0] the read end, [1] the write end. */
int pipe_create(uint32_t flags, struct file *ends[2]);
extern const struct file_ops pipe_fifo_ops;

#endif
