/* Metadata and copies: umask at create, fchmod/fchown/fchownat, utimensat (UTIME_NOW,
 * UTIME_OMIT, NULL path), readlinkat, linkat flags, renameat2 flags, faccessat2,
 * copy_file_range and sendfile with offsets and errors. Deterministic: compared with Linux. */
#include "tap.h"
#include <ftw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define D "/tmp/a_meta"

static mode_t mode_of(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void put(const char *p, const char *text)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (write(fd, text, strlen(text)) < 0)
        say("write failed");
    close(fd);
}

static const char *get(const char *p)
{
    static char buf[256];
    int fd = open(p, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    return buf;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int main(void)
{
    /* A run on the host leaves its files behind: start from nothing, as the guest does. */
    nftw(D, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    mkdir(D, 0755);
    chdir(D);
    /* umask applies at create */
    mode_t old = umask(027);
    int fd = open("f1", O_WRONLY | O_CREAT, 0666);
    close(fd);
    mkdir("d1", 0777);
    out("umask old=%03o file=%03o dir=%03o", old, mode_of("f1"), mode_of("d1"));
    check(mode_of("f1") == 0640 && mode_of("d1") == 0750, "umask-create", "file %o dir %o", mode_of("f1"),
          mode_of("d1"));
    umask(old);
    fd = open("f1", O_RDWR);
    check(fchmod(fd, 04711) == 0 && mode_of("f1") == 04711, "fchmod", "mode %o", mode_of("f1"));
    check(fchown(fd, 12, 34) == 0, "fchown", "%s", strerror(errno));
    struct stat st;
    fstat(fd, &st);
    check(st.st_uid == 12 && st.st_gid == 34 && (st.st_mode & 07777) == 0711, "fchown-ids-suid-cleared",
          "uid %u gid %u mode %o", st.st_uid, st.st_gid, st.st_mode & 07777);
    check(fchown(fd, -1, 56) == 0 && fstat(fd, &st) == 0 && st.st_uid == 12 && st.st_gid == 56, "fchown-keep",
          "uid %u gid %u", st.st_uid, st.st_gid);
    symlink("f1", "ln");
    check(fchownat(AT_FDCWD, "ln", 7, 8, AT_SYMLINK_NOFOLLOW) == 0 && lstat("ln", &st) == 0 && st.st_uid == 7 &&
          stat("f1", &st) == 0 && st.st_uid == 12, "fchownat-nofollow", "uid %u", st.st_uid);
    check(fchownat(fd, "", 0, 0, AT_EMPTY_PATH) == 0 && fstat(fd, &st) == 0 && st.st_uid == 0, "fchownat-empty",
          "uid %u", st.st_uid);
    check_ret("fchownat-badflag", fchownat(AT_FDCWD, "f1", 0, 0, 0x2), -EINVAL);
    check_ret("fchmod-ebadf", fchmod(99, 0644), -EBADF);
    close(fd);

    /* utimensat */
    struct timespec ts[2] = { { 1000, 5 }, { 2000, 7 } };
    check(utimensat(AT_FDCWD, "f1", ts, 0) == 0 && stat("f1", &st) == 0 && st.st_atim.tv_sec == 1000 &&
          st.st_atim.tv_nsec == 5 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 7, "utimensat-set",
          "a %ld m %ld", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    struct timespec omit_now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
    check(utimensat(AT_FDCWD, "f1", omit_now, 0) == 0 && stat("f1", &st) == 0 && st.st_atim.tv_sec == 1000 &&
          labs(st.st_mtim.tv_sec - time(NULL)) <= 2, "utimensat-omit-now", "a %ld m %ld", (long)st.st_atim.tv_sec,
          (long)st.st_mtim.tv_sec);
    check(utimensat(AT_FDCWD, "ln", ts, AT_SYMLINK_NOFOLLOW) == 0 && lstat("ln", &st) == 0 &&
          st.st_mtim.tv_sec == 2000 && stat("f1", &st) == 0 && st.st_mtim.tv_sec != 2000, "utimensat-nofollow",
          "link m %ld", (long)st.st_mtim.tv_sec);
    fd = open("f1", O_RDONLY);
    check(syscall(SYS_utimensat, fd, NULL, ts, 0) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 2000,
          "utimensat-fd", "%s", strerror(errno));
    close(fd);
    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    check_ret("utimensat-einval", utimensat(AT_FDCWD, "f1", bad, 0), -EINVAL);
    check_ret("utimensat-null-cwd", syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0), -EFAULT);

    /* readlinkat, symlinkat, linkat */
    char buf[64];
    long n = readlinkat(AT_FDCWD, "ln", buf, sizeof buf);
    check(n == 2 && !memcmp(buf, "f1", 2), "readlinkat", "n %ld", n);
    check_ret("readlinkat-notlink", readlinkat(AT_FDCWD, "f1", buf, sizeof buf), -EINVAL);
    check_ret("readlinkat-small", readlinkat(AT_FDCWD, "ln", buf, 1), 1);
    fd = open("ln", O_PATH | O_NOFOLLOW);
    n = readlinkat(fd, "", buf, sizeof buf);
    check(n == 2, "readlinkat-empty-opath", "n %ld %s", n, strerror(errno));
    close(fd);
    check_ret("symlinkat", symlinkat("nowhere", AT_FDCWD, "dangling"), 0);
    check_ret("symlinkat-exists", symlinkat("x", AT_FDCWD, "dangling"), -EEXIST);
    check_ret("linkat-nofollow", linkat(AT_FDCWD, "ln", AT_FDCWD, "hl", 0), 0);
    check(lstat("hl", &st) == 0 && S_ISLNK(st.st_mode), "linkat-is-link", "mode %o", st.st_mode);
    check_ret("linkat-follow", linkat(AT_FDCWD, "ln", AT_FDCWD, "hf", AT_SYMLINK_FOLLOW), 0);
    check(lstat("hf", &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 2, "linkat-follow-file", "nlink %lu",
          (unsigned long)st.st_nlink);
    fd = open("f1", O_RDONLY);
    check_ret("linkat-empty-path", linkat(fd, "", AT_FDCWD, "he", AT_EMPTY_PATH), 0);
    close(fd);
    check_ret("linkat-badflag", linkat(AT_FDCWD, "f1", AT_FDCWD, "hx", 0x1), -EINVAL);
    check_ret("linkat-dir", linkat(AT_FDCWD, "d1", AT_FDCWD, "hd", 0), -EPERM);

    /* renameat2 */
    put("r1", "one");
    put("r2", "two");
    check_ret("noreplace", renameat2(AT_FDCWD, "r1", AT_FDCWD, "r2", RENAME_NOREPLACE), -EEXIST);
    check_ret("exchange", renameat2(AT_FDCWD, "r1", AT_FDCWD, "r2", RENAME_EXCHANGE), 0);
    check(!strcmp(get("r1"), "two") && !strcmp(get("r2"), "one"), "exchange-swapped", "r1 %s", get("r1"));
    check_ret("exchange-missing", renameat2(AT_FDCWD, "r1", AT_FDCWD, "r9", RENAME_EXCHANGE), -ENOENT);
    check_ret("exchange-dir-file", renameat2(AT_FDCWD, "r1", AT_FDCWD, "d1", RENAME_EXCHANGE), 0);
    check(S_ISDIR(mode_of("r1") | 0) || (stat("r1", &st) == 0 && S_ISDIR(st.st_mode)), "exchange-dir",
          "r1 is not the directory");
    check_ret("rename-both-flags", renameat2(AT_FDCWD, "r1", AT_FDCWD, "r2", RENAME_EXCHANGE | RENAME_NOREPLACE),
              -EINVAL);
    check_ret("rename-whiteout", renameat2(AT_FDCWD, "r2", AT_FDCWD, "r3", 8), -EINVAL);

    /* faccessat2 */
    check_ret("faccessat2-x", syscall(SYS_faccessat2, AT_FDCWD, "r2", X_OK, AT_EACCESS), -EACCES);
    check_ret("faccessat2-nofollow", syscall(SYS_faccessat2, AT_FDCWD, "dangling", F_OK, AT_SYMLINK_NOFOLLOW), 0);
    check_ret("faccessat2-follow", syscall(SYS_faccessat2, AT_FDCWD, "dangling", F_OK, 0), -ENOENT);
    check_ret("faccessat2-badflag", syscall(SYS_faccessat2, AT_FDCWD, "r2", F_OK, 0x4), -EINVAL);

    /* copy_file_range and sendfile */
    put("src", "0123456789abcdefghij");
    int in = open("src", O_RDONLY), outfd = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    loff_t oi = 5, oo = 2;
    n = copy_file_range(in, &oi, outfd, &oo, 6, 0);
    check(n == 6 && oi == 11 && oo == 8 && lseek(in, 0, SEEK_CUR) == 0 && lseek(outfd, 0, SEEK_CUR) == 0, "cfr-offsets",
          "n %ld oi %ld oo %ld", n, (long)oi, (long)oo);
    n = pread(outfd, buf, sizeof buf, 0);
    check(n == 8 && !memcmp(buf, "\0\0" "56789a", 8), "cfr-data", "n %ld", n);
    n = copy_file_range(in, NULL, outfd, NULL, 100, 0);
    check(n == 20 && lseek(in, 0, SEEK_CUR) == 20 && lseek(outfd, 0, SEEK_CUR) == 20, "cfr-file-offsets", "n %ld", n);
    check_ret("cfr-eof", copy_file_range(in, NULL, outfd, NULL, 10, 0), 0);
    check_ret("cfr-flags", copy_file_range(in, NULL, outfd, NULL, 10, 1), -EINVAL);
    check_ret("cfr-ebadf", copy_file_range(99, NULL, outfd, NULL, 10, 0), -EBADF);
    check_ret("cfr-rdonly-out", copy_file_range(outfd, NULL, in, NULL, 10, 0), -EBADF);
    oi = 0;
    oo = 4;
    check_ret("cfr-overlap", copy_file_range(outfd, &oi, outfd, &oo, 8, 0), -EINVAL);
    int dirfd = open(".", O_RDONLY);
    check_ret("cfr-dir", copy_file_range(dirfd, NULL, outfd, NULL, 10, 0), -EISDIR);
    close(dirfd);
    int p[2];
    pipe(p);
    check_ret("cfr-pipe", copy_file_range(in, &(loff_t){ 0 }, p[1], NULL, 4, 0), -EINVAL);
    off_t so = 10;
    n = sendfile(p[1], in, &so, 5);
    check(n == 5 && so == 15 && lseek(in, 0, SEEK_CUR) == 20, "sendfile-offset", "n %ld so %ld", n, (long)so);
    n = read(p[0], buf, sizeof buf);
    check(n == 5 && !memcmp(buf, "abcde", 5), "sendfile-data", "n %ld", n);
    lseek(in, 18, SEEK_SET);
    n = sendfile(p[1], in, NULL, 100);
    check(n == 2 && lseek(in, 0, SEEK_CUR) == 20, "sendfile-fileoff", "n %ld", n);
    check_ret("sendfile-ebadf", sendfile(p[1], 99, NULL, 1), -EBADF);
    check_ret("sendfile-wronly-in", sendfile(p[1], p[1], NULL, 1), -EBADF);
    so = -1;
    check_ret("sendfile-negoff", sendfile(p[1], in, &so, 1), -EINVAL);
    int app = open("app", O_WRONLY | O_CREAT | O_APPEND, 0644);
    check_ret("sendfile-append", sendfile(app, in, &(off_t){ 0 }, 1), -EINVAL);
    out("done");
    return t_failed ? 1 : 0;
}
