/* mount/umount2, /proc/mounts, statfs: tmpfs with a size, remount read-only, busy mounts,
 * MNT_DETACH, proc and devtmpfs at a second place, MS_BIND, noexec, bad arguments. */
#include "tap.h"
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
#define PROC_SUPER_MAGIC 0x9fa0

static char mounts_buf[4096];

static const char *read_mounts(const char *path)
{
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, mounts_buf, sizeof mounts_buf - 1);
    mounts_buf[n > 0 ? n : 0] = 0;
    if (fd >= 0)
        close(fd);
    return mounts_buf;
}

static int write_file(const char *path, size_t n)
{
    static char buf[8192];
    memset(buf, 'x', sizeof buf);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -errno;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf, n - done < sizeof buf ? n - done : sizeof buf);
        if (w < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
        done += (size_t)w;
    }
    close(fd);
    return 0;
}

int main(void)
{
    struct statfs st;
    mkdir("/tmp/m", 0755);
    check_ret("mount-tmpfs", mount("none", "/tmp/m", "tmpfs", MS_NOSUID, "size=64k,mode=750"), 0);
    const char *m = read_mounts("/proc/mounts");
    check(strstr(m, "none /tmp/m tmpfs rw,nosuid,relatime,size=64k,mode=750 0 0\n") != NULL, "proc-mounts-line",
          "/proc/mounts is:\n%s", m);
    check(strstr(m, "rootfs / rootfs rw 0 0\n") && strstr(m, "proc /proc proc rw,relatime 0 0\n"),
          "proc-mounts-boot", "/proc/mounts is:\n%s", m);
    check(!strcmp(read_mounts("/proc/self/mounts"), read_mounts("/proc/mounts")), "self-mounts", "differ");
    struct stat sb, sr;
    stat("/tmp/m", &sb);
    stat("/", &sr);
    check((sb.st_mode & 07777) == 0750 && sb.st_dev != sr.st_dev, "root-mode-dev", "mode %o dev %lu vs %lu",
          sb.st_mode & 07777, (unsigned long)sb.st_dev, (unsigned long)sr.st_dev);

    /* statfs figures: 16 pages, each page written costs one */
    check(statfs("/tmp/m", &st) == 0 && st.f_type == TMPFS_MAGIC && st.f_bsize == 4096 && st.f_blocks == 16 &&
          st.f_bfree == 16 && st.f_bavail == 16, "statfs-empty", "type %lx bsize %ld blocks %lu free %lu",
          (long)st.f_type, (long)st.f_bsize, (unsigned long)st.f_blocks, (unsigned long)st.f_bfree);
    check_ret("write-8k", write_file("/tmp/m/a", 8192), 0);
    check(statfs("/tmp/m/a", &st) == 0 && st.f_bfree == 14 && st.f_files > 0 && st.f_ffree == st.f_files - 2,
          "statfs-used", "free %lu files %lu ffree %lu", (unsigned long)st.f_bfree, (unsigned long)st.f_files,
          (unsigned long)st.f_ffree);
    check_ret("full-enospc", write_file("/tmp/m/big", 100 * 1024), -ENOSPC);
    unlink("/tmp/m/big");
    int fd = open("/tmp/m/a", O_RDONLY);
    check(fstatfs(fd, &st) == 0 && st.f_type == TMPFS_MAGIC && st.f_bfree == 14, "fstatfs", "free %lu",
          (unsigned long)st.f_bfree);
    check(statfs("/", &st) == 0 && st.f_type == RAMFS_MAGIC && st.f_blocks > 0 && st.f_bfree > 0,
          "statfs-root", "type %lx", (long)st.f_type);
    check(statfs("/proc", &st) == 0 && st.f_type == PROC_SUPER_MAGIC, "statfs-proc", "type %lx",
          (long)st.f_type);
    check_ret("syncfs", syscall(SYS_syncfs, fd), 0);
    check_ret("syncfs-ebadf", syscall(SYS_syncfs, 99), -EBADF);

    /* busy: an open file, then a cwd */
    check_ret("umount-busy-fd", umount("/tmp/m"), -EBUSY);
    close(fd);
    chdir("/tmp/m");
    check_ret("umount-busy-cwd", umount("/tmp/m"), -EBUSY);
    chdir("/");

    /* read-only remount */
    check_ret("remount-ro", mount(NULL, "/tmp/m", NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
    check_ret("ro-create", open("/tmp/m/new", O_WRONLY | O_CREAT, 0644), -EROFS);
    check_ret("ro-write-open", open("/tmp/m/a", O_WRONLY), -EROFS);
    check_ret("ro-mkdir", mkdir("/tmp/m/d", 0755), -EROFS);
    check_ret("ro-unlink", unlink("/tmp/m/a"), -EROFS);
    check_ret("ro-chmod", chmod("/tmp/m/a", 0600), -EROFS);
    check_ret("ro-access-w", access("/tmp/m/a", W_OK), -EROFS);
    fd = open("/tmp/m/a", O_RDONLY);
    check(fd >= 0, "ro-read-open", "%s", strerror(errno));
    close(fd);
    check(strstr(read_mounts("/proc/mounts"), "none /tmp/m tmpfs ro,") != NULL, "ro-in-mounts", "%s", mounts_buf);
    check(statfs("/tmp/m", &st) == 0 && (st.f_flags & ST_RDONLY), "statfs-ro-flag", "flags %lx",
          (long)st.f_flags);
    check_ret("remount-rw", mount(NULL, "/tmp/m", NULL, MS_REMOUNT, NULL), 0);
    fd = open("/tmp/m/w", O_WRONLY | O_CREAT, 0644);
    check(fd >= 0, "rw-again", "%s", strerror(errno));
    check_ret("remount-ro-busy", mount(NULL, "/tmp/m", NULL, MS_REMOUNT | MS_RDONLY, NULL), -EBUSY);
    close(fd);

    /* a mount inside the mount: the outer one is busy until the inner one goes */
    mkdir("/tmp/m/in", 0755);
    check_ret("mount-nested", mount("p2", "/tmp/m/in", "proc", 0, NULL), 0);
    check(access("/tmp/m/in/self/stat", R_OK) == 0, "nested-proc-works", "%s", strerror(errno));
    check_ret("umount-busy-child", umount("/tmp/m"), -EBUSY);
    check_ret("umount-nested", umount("/tmp/m/in"), 0);
    check_ret("umount-not-mount", umount("/tmp/m/in"), -EINVAL);
    check_ret("umount", umount("/tmp/m"), 0);
    check(access("/tmp/m/a", F_OK) < 0 && errno == ENOENT, "gone-after-umount", "still there");
    check(strstr(read_mounts("/proc/mounts"), "/tmp/m") == NULL, "mounts-after-umount", "%s", mounts_buf);

    /* MNT_DETACH with an open file: the file still reads */
    check_ret("mount-again", mount("t2", "/tmp/m", "tmpfs", 0, NULL), 0);
    write_file("/tmp/m/keep", 100);
    fd = open("/tmp/m/keep", O_RDONLY);
    check_ret("detach", umount2("/tmp/m", MNT_DETACH), 0);
    char buf[200];
    check_ret("detached-read", read(fd, buf, sizeof buf), 100);
    close(fd);
    check(access("/tmp/m/keep", F_OK) < 0, "detached-gone", "still visible");

    /* devtmpfs shows /dev again; ramfs; noexec */
    check_ret("mount-devtmpfs", mount("devtmpfs", "/tmp/m", "devtmpfs", 0, NULL), 0);
    fd = open("/tmp/m/null", O_WRONLY);
    check(fd >= 0 && write(fd, "x", 1) == 1, "devtmpfs-null", "%s", strerror(errno));
    close(fd);
    check_ret("umount-devtmpfs", umount("/tmp/m"), 0);
    check_ret("mount-ramfs-noexec", mount("r", "/tmp/m", "ramfs", MS_NOEXEC, NULL), 0);
    check(statfs("/tmp/m", &st) == 0 && st.f_type == RAMFS_MAGIC && (st.f_flags & ST_NOEXEC), "ramfs-statfs",
          "type %lx flags %lx", (long)st.f_type, (long)st.f_flags);
    {
        int in = open("/bin/hello", O_RDONLY), out = open("/tmp/m/hello", O_WRONLY | O_CREAT, 0755);
        char b[4096];
        ssize_t n;
        while ((n = read(in, b, sizeof b)) > 0)
            write(out, b, (size_t)n);
        close(in);
        close(out);
        char *argv[] = { "/tmp/m/hello", NULL };
        check_ret("noexec-eacces", execve("/tmp/m/hello", argv, argv + 1), -EACCES);
    }
    check_ret("umount-ramfs", umount("/tmp/m"), 0);

    /* MS_BIND: a directory seen at a second place */
    mkdir("/tmp/bsrc", 0755);
    write_file("/tmp/bsrc/f", 10);
    check_ret("bind", mount("/tmp/bsrc", "/tmp/m", NULL, MS_BIND, NULL), 0);
    check(access("/tmp/m/f", F_OK) == 0, "bind-sees", "%s", strerror(errno));
    check_ret("umount-bind", umount("/tmp/m"), 0);
    check(access("/tmp/bsrc/f", F_OK) == 0, "bind-source-kept", "%s", strerror(errno));

    /* bad arguments */
    check_ret("bad-type", mount("x", "/tmp/m", "nosuchfs", 0, NULL), -ENODEV);
    check_ret("bad-dir", mount("x", "/tmp/nosuch", "tmpfs", 0, NULL), -ENOENT);
    check_ret("dir-is-file", mount("x", "/tmp/bsrc/f/x", "tmpfs", 0, NULL), -ENOTDIR);
    check_ret("on-file", mount("x", "/tmp/bsrc/f", "tmpfs", 0, NULL), -ENOTDIR);
    check_ret("bad-option", mount("x", "/tmp/m", "tmpfs", 0, "size=12q"), -EINVAL);
    check_ret("bad-target-ptr", mount("x", (char *)8, "tmpfs", 0, NULL), -EFAULT);
    check_ret("umount-flags", umount2("/tmp/m", 0x100), -EINVAL);
    check_ret("umount-root", umount("/"), -EBUSY);
    check_ret("remount-not-mount", mount(NULL, "/tmp", NULL, MS_REMOUNT, NULL), -EINVAL);
    check_ret("umount-enoent", umount("/tmp/nosuch"), -ENOENT);
    return t_failed ? 1 : 0;
}
