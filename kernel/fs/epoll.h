/* epoll_create1, epoll_ctl, epoll_pwait. */
#ifndef FS_EPOLL_H
#define FS_EPOLL_H

struct file;

/* The last reference to f is going (file_put): drop every epoll item that watches it. */
void epoll_file_closed(struct file *f);

#endif
