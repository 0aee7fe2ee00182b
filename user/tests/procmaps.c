/* /proc/sys/kernel's values (pid_max, tainted, ostype, osrelease match uname) and
 * /proc/self/maps in Linux's format: the stack line holds a local variable, an anonymous and a
 * file mapping show their permissions, offset and inode, and glibc's pthread_getattr_np (which
 * reads the file to find the main thread's stack) reports a stack around a local variable. */
#include "tap.h"
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>

static char maps[65536];

static void read_maps(void)
{
    int fd = open("/proc/self/maps", O_RDONLY);
    ssize_t n = 0, r;
    while (fd >= 0 && (r = read(fd, maps + n, sizeof maps - 1 - (size_t)n)) > 0)
        n += r;
    maps[n > 0 ? n : 0] = 0;
    if (fd >= 0)
        close(fd);
}

/* The line whose range holds addr, copied into line; its fields parsed. */
static int find(uintptr_t addr, char *line, size_t len, char perms[5], unsigned long *off, unsigned long *ino)
{
    for (char *l = maps; *l;) {
        char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        uintptr_t lo, hi;
        char dev[16];
        if (sscanf(l, "%" SCNxPTR "-%" SCNxPTR " %4s %lx %15s %lu", &lo, &hi, perms, off, dev, ino) == 6 &&
            addr >= lo && addr < hi) {
            snprintf(line, len, "%.*s", (int)n, l);
            return 1;
        }
        l += n + (e ? 1 : 0);
    }
    return 0;
}

/* The first line of a small file, without its newline; 0 if it cannot be read. */
static int read_text(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    ssize_t r = fd >= 0 ? read(fd, buf, n - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (r <= 0)
        return 0;
    buf[r] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 1;
}

static long read_long(const char *path)
{
    char buf[32];
    return read_text(path, buf, sizeof buf) ? strtol(buf, NULL, 10) : -1;
}

int main(void)
{
    char line[256], perms[5];
    unsigned long off, ino;
    int local = 0;
    read_maps();
    check(find((uintptr_t)&local, line, sizeof line, perms, &off, &ino) && strstr(line, "[stack]") &&
              strcmp(perms, "rw-p") == 0, "stack-line", "%s", line);

    char *anon = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    read_maps();
    check(find((uintptr_t)anon + 4096, line, sizeof line, perms, &off, &ino) && strcmp(perms, "r--p") == 0 &&
              ino == 0, "anon-line", "%s", line);

    int fd = open("/tmp/procmaps.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char page[8192] = { 1 };
    struct stat st;
    if (write(fd, page, sizeof page) != (ssize_t)sizeof page || fstat(fd, &st) != 0)
        say("procmaps: cannot make the data file");
    char *file = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
    read_maps();
    check(file != MAP_FAILED && find((uintptr_t)file, line, sizeof line, perms, &off, &ino) &&
              strcmp(perms, "rw-s") == 0 && off == 4096 && ino == (unsigned long)st.st_ino,
          "file-line", "%s (inode %lu)", line, (unsigned long)st.st_ino);

    pthread_attr_t attr;
    void *base = NULL;
    size_t size = 0;
    int r = pthread_getattr_np(pthread_self(), &attr);
    if (r == 0)
        pthread_attr_getstack(&attr, &base, &size);
    check(r == 0 && (char *)&local >= (char *)base && (char *)&local < (char *)base + size, "getattr-np-main-stack",
          "error %d, stack %p + %zu, local at %p", r, base, size, (void *)&local);
    unlink("/tmp/procmaps.dat");

    char v[64];
    struct utsname u;
    uname(&u);
    long pid_max = read_long("/proc/sys/kernel/pid_max");
    check(pid_max >= 32768 && pid_max > getpid(), "sysctl-pid-max", "%ld", pid_max);
    check(read_long("/proc/sys/kernel/tainted") == 0, "sysctl-tainted", "not 0");
    check(read_text("/proc/sys/kernel/osrelease", v, sizeof v) && strcmp(v, u.release) == 0 &&
              read_text("/proc/sys/kernel/ostype", v, sizeof v) && strcmp(v, u.sysname) == 0,
          "sysctl-matches-uname", "osrelease/ostype differ from uname (%s %s)", u.sysname, u.release);
    return t_failed ? 1 : 0;
}
