/* File layer, part 4: devices and /proc. /dev/null, zero, random, urandom, console and tty
 * (device numbers, reads, writes, lseek), the console tty's ioctls (TCGETS/TCSETS round trip,
 * window size, FIONREAD, ENOTTY elsewhere), /proc/self/{stat,status,exe,cmdline}, /proc/meminfo,
 * /proc/uptime, /proc/<pid> of a child while it lives, as a zombie and after wait, and the
 * /proc listing. Guest-specific (it needs the console on fds 0-2): no host comparison; on Linux
 * it passes when run on a terminal, e.g. script -qc ./f_dev /dev/null.
 * "f_dev --cmdline ARGS..." is the helper run by execve (exit 0 when /proc/self/cmdline is argv). */
#include "tap.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>

#define K_NCCS 19

/* The kernel's struct termios (asm-generic, also x86-64), used with TCGETS/TCSETS directly. */
struct k_termios {
    unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line;
    unsigned char c_cc[K_NCCS];
};

static const char *self;

static long read_file(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf + got, n - 1 - got);
        if (r < 0) {
            close(fd);
            return -errno;
        }
        if (r == 0 || got + (size_t)r >= n - 1) {
            got += (size_t)(r > 0 ? r : 0);
            break;
        }
        got += (size_t)r;
    }
    buf[got] = 0;
    close(fd);
    return (long)got;
}

static void check_dev(const char *path, int maj, int min)
{
    struct stat st;
    long r = E(stat(path, &st));
    char name[64];
    snprintf(name, sizeof name, "stat%s", path);
    for (char *c = name; *c; c++)
        if (*c == '/')
            *c = '-';
    check(r == 0 && S_ISCHR(st.st_mode) && (int)major(st.st_rdev) == maj && (int)minor(st.st_rdev) == min, name,
          "stat %s: mode %#o rdev %u,%u, expected a character device %d,%d", vstr(r), st.st_mode,
          major(st.st_rdev), minor(st.st_rdev), maj, min);
}

static void test_memdevs(void)
{
    static unsigned char buf[100000];
    check_dev("/dev/null", 1, 3);
    check_dev("/dev/zero", 1, 5);
    check_dev("/dev/random", 1, 8);
    check_dev("/dev/urandom", 1, 9);
    check_dev("/dev/tty", 5, 0);
    check_dev("/dev/console", 5, 1);

    int fd = open("/dev/null", O_RDWR);
    check_ret("null-read-eof", read(fd, buf, sizeof buf), 0);
    check_ret("null-write-accepts", write(fd, buf, 1234), 1234);
    check_ret("null-lseek-zero", lseek(fd, 100, SEEK_SET), 0);
    close(fd);

    fd = open("/dev/zero", O_RDWR);
    memset(buf, 0xff, sizeof buf);
    long r = E(read(fd, buf, sizeof buf));
    int zero = r == sizeof buf;
    for (size_t i = 0; zero && i < sizeof buf; i++)
        zero = buf[i] == 0;
    check(zero, "zero-reads-zeros", "read %s, all zero %d", vstr(r), zero);
    check_ret("zero-write-accepts", write(fd, buf, 100), 100);
    close(fd);

    fd = open("/dev/urandom", O_RDONLY);
    unsigned char a[64], b[64];
    long ra = E(read(fd, a, sizeof a)), rb = E(read(fd, b, sizeof b));
    int nonzero = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nonzero |= a[i];
    check(ra == 64 && rb == 64 && memcmp(a, b, sizeof a) != 0 && nonzero, "urandom-reads-differ",
          "reads %s %s, differ %d, nonzero %d", vstr(ra), vstr(rb), memcmp(a, b, sizeof a) != 0, nonzero);
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    check_ret("random-read", read(fd, a, 16), 16);
    close(fd);
}

static void test_tty(void)
{
    check(isatty(0) && isatty(1) && isatty(2), "isatty-std-fds", "isatty 0/1/2: %d %d %d", isatty(0), isatty(1),
          isatty(2));
    int nul = open("/dev/null", O_RDWR);
    errno = 0;
    int t = isatty(nul);
    check(!t && errno == ENOTTY, "isatty-dev-null", "isatty %d errno %s", t, ename(errno));

    struct k_termios orig, mod, now;
    memset(&orig, 0, sizeof orig);
    check_ret("tcgets", ioctl(0, TCGETS, &orig), 0);
    check(orig.c_lflag & ICANON, "tty-canonical-default", "c_lflag %#o", orig.c_lflag);
    mod = orig;
    mod.c_lflag &= ~(unsigned)(ECHO | ECHOE);
    mod.c_cc[VMIN] = 5;
    check_ret("tcsets", ioctl(0, TCSETS, &mod), 0);
    memset(&now, 0, sizeof now);
    ioctl(1, TCGETS, &now);         /* another descriptor of the same terminal */
    check(!(now.c_lflag & ECHO) && now.c_lflag == mod.c_lflag && now.c_cc[VMIN] == 5, "tcsets-visible",
          "c_lflag %#o (wanted %#o), VMIN %d", now.c_lflag, mod.c_lflag, now.c_cc[VMIN]);
    check_ret("tcsets-restore", ioctl(0, TCSETS, &orig), 0);
    memset(&now, 0, sizeof now);
    ioctl(0, TCGETS, &now);
    check(memcmp(&now, &orig, sizeof now) == 0, "tcsets-round-trip", "c_lflag %#o (was %#o)", now.c_lflag,
          orig.c_lflag);
    struct termios g;
    check(tcgetattr(0, &g) == 0 && g.c_lflag == orig.c_lflag && g.c_cc[VINTR] == orig.c_cc[VINTR], "tcgetattr",
          "glibc c_lflag %#o VINTR %d, kernel %#o %d", g.c_lflag, g.c_cc[VINTR], orig.c_lflag, orig.c_cc[VINTR]);
    check_ret("tcgets-efault", ioctl(0, TCGETS, (void *)8), -EFAULT);
    check_ret("tcsets-efault", ioctl(0, TCSETS, (void *)8), -EFAULT);

    struct winsize ws, ws2, set = { 30, 100, 0, 0 };
    check_ret("tiocgwinsz", ioctl(0, TIOCGWINSZ, &ws), 0);
    check_ret("tiocswinsz", ioctl(0, TIOCSWINSZ, &set), 0);
    memset(&ws2, 0, sizeof ws2);
    ioctl(1, TIOCGWINSZ, &ws2);
    check(ws2.ws_row == 30 && ws2.ws_col == 100, "tiocswinsz-visible", "%dx%d", ws2.ws_row, ws2.ws_col);
    ioctl(0, TIOCSWINSZ, &ws);
    int n = -1;
    check(ioctl(0, FIONREAD, &n) == 0 && n == 0, "tty-fionread", "FIONREAD %d (%s), nothing typed",
          n, ename(errno));
    check_ret("tty-lseek", lseek(0, 0, SEEK_CUR), -ESPIPE);
    check_ret("tty-unknown-ioctl", ioctl(0, 0x54ff, 0), -ENOTTY);

    int tty = open("/dev/tty", O_RDONLY | O_NONBLOCK);
    check(tty >= 0, "open-dev-tty", "open: %s", ename(errno));
    char c;
    check_ret("tty-nonblock-read-eagain", read(tty, &c, 1), -EAGAIN);
    check_ret("dev-tty-lseek", lseek(tty, 0, SEEK_SET), -ESPIPE);
    check(isatty(tty), "isatty-dev-tty", "isatty %d", isatty(tty));
    close(tty);

    char path[] = "/tmp/f_dev.XXXXXX";
    int f = mkstemp(path);
    struct k_termios tt;
    check_ret("ioctl-regular-file-enotty", ioctl(f, TCGETS, &tt), -ENOTTY);
    check_ret("ioctl-regular-file-tiocgwinsz-enotty", ioctl(f, TIOCGWINSZ, &ws), -ENOTTY);
    /* FIONREAD works on regular files too: the bytes after the offset. */
    n = -1;
    long w = E(write(f, "0123456789", 10));
    lseek(f, 3, SEEK_SET);
    long r = E(ioctl(f, FIONREAD, &n));
    check(w == 10 && r == 0 && n == 7, "fionread-regular-file", "FIONREAD %s, %d bytes (7 after the offset)",
          vstr(r), n);
    close(f);
    unlink(path);
    check_ret("ioctl-dev-null-enotty", ioctl(nul, TCGETS, &tt), -ENOTTY);
    close(nul);
    int p[2];
    pipe(p);
    check_ret("ioctl-pipe-tcgets-enotty", ioctl(p[0], TCGETS, &tt), -ENOTTY);
    close(p[0]);
    close(p[1]);
    check_ret("ioctl-bad-fd", ioctl(999, TCGETS, &tt), -EBADF);
    const char msg[] = "f_dev: a line written to the tty\n";
    check_ret("tty-write", write(1, msg, sizeof msg - 1), sizeof msg - 1);
}

/* The fields of /proc/<pid>/stat after the command: state and ppid. */
static int proc_stat(int pid, char *comm, size_t commlen, char *state, int *ppid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    long r = read_file(path, buf, sizeof buf);
    if (r < 0)
        return (int)r;
    char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
    if (!open_paren || !close_paren || close_paren < open_paren || atoi(buf) != pid)
        return -EINVAL;
    snprintf(comm, commlen, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    if (sscanf(close_paren + 1, " %c %d", state, ppid) != 2)
        return -EINVAL;
    return 0;
}

static int listed_in_proc(int pid, unsigned *type)
{
    char want[16];
    snprintf(want, sizeof want, "%d", pid);
    int fd = open("/proc", O_RDONLY | O_DIRECTORY);
    char buf[4096];
    int found = 0;
    for (long n; fd >= 0 && !found && (n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0;)
        for (long off = 0; off < n;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            if (strcmp(buf + off + 19, want) == 0) {
                found = 1;
                *type = (unsigned char)buf[off + 18];
            }
            off += reclen ? reclen : n;
        }
    if (fd >= 0)
        close(fd);
    return found;
}

static void test_proc_self(void)
{
    char buf[4096], comm[64], state = '?';
    int ppid = -1, me = getpid();
    int r = proc_stat(me, comm, sizeof comm, &state, &ppid);
    check(r == 0 && strcmp(comm, "f_dev") == 0 && state == 'R' && ppid == getppid(), "proc-pid-stat",
          "%s: comm \"%s\" state %c ppid %d (getppid %d)", vstr(r), comm, state, ppid, getppid());
    long n = read_file("/proc/self/stat", buf, sizeof buf);
    char want[64];
    snprintf(want, sizeof want, "%d (f_dev) R ", me);
    check(n > 0 && strncmp(buf, want, strlen(want)) == 0, "proc-self-stat", "%s: \"%.60s\", expected \"%s...\"",
          vstr(n), n > 0 ? buf : "", want);
    int fields = 0;
    for (char *s = strrchr(buf, ')'); s && *s; s++)
        fields += *s == ' ';
    check(n > 0 && fields >= 22, "proc-self-stat-fields", "%d fields after the command (Linux has 50)", fields);

    n = read_file("/proc/self/status", buf, sizeof buf);
    char pidline[32];
    snprintf(pidline, sizeof pidline, "\nPid:\t%d\n", me);
    check(n > 0 && strncmp(buf, "Name:\tf_dev\n", 12) == 0 && strstr(buf, pidline), "proc-self-status",
          "%s: \"%.80s\"", vstr(n), n > 0 ? buf : "");

    char link[256];
    n = E(readlink("/proc/self", link, sizeof link - 1));
    link[n > 0 ? n : 0] = 0;
    check(n > 0 && atoi(link) == me, "proc-self-link", "readlink %s \"%s\", pid %d", vstr(n), link, me);
    n = E(readlink("/proc/self/exe", link, sizeof link - 1));
    link[n > 0 ? n : 0] = 0;
    check(n > 0 && strcmp(link, self) == 0, "proc-self-exe", "readlink %s \"%s\", argv[0] \"%s\"", vstr(n), link,
          self);
    struct stat st;
    n = E(stat("/proc/self/exe", &st));
    check(n == 0 && S_ISREG(st.st_mode), "proc-self-exe-stat", "stat %s mode %#o", vstr(n), st.st_mode);
    n = E(lstat("/proc/self/exe", &st));
    check(n == 0 && S_ISLNK(st.st_mode), "proc-self-exe-lstat", "lstat %s mode %#o", vstr(n), st.st_mode);

    n = read_file("/proc/self/cmdline", buf, sizeof buf);
    check(n == (long)strlen(self) + 1 && memcmp(buf, self, (size_t)n) == 0, "proc-self-cmdline",
          "%s bytes \"%.60s\", expected \"%s\" and its NUL", vstr(n), n > 0 ? buf : "", self);
    int pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)self, "--cmdline", "two words", "", "last", NULL };
        char *envp[] = { NULL };
        execve(self, argv, envp);
        _exit(127);
    }
    int status = wait_for(pid, 0);
    check(status == 0, "proc-cmdline-after-execve", "helper %s (1: /proc/self/cmdline differs from argv)",
          status_str(status));

    n = read_file("/proc/meminfo", buf, sizeof buf);
    char *t = strstr(buf, "MemTotal:"), *f = strstr(buf, "MemFree:");
    long total = t ? atol(t + 9) : -1, fr = f ? atol(f + 8) : -1;
    check(n > 0 && total > 0 && fr > 0 && fr <= total && strstr(buf, " kB\n"), "proc-meminfo",
          "%s: MemTotal %ld MemFree %ld", vstr(n), total, fr);

    double up1 = -1, idle = -1, up2 = -1;
    n = read_file("/proc/uptime", buf, sizeof buf);
    int got = n > 0 ? sscanf(buf, "%lf %lf", &up1, &idle) : 0;
    msleep(200);
    read_file("/proc/uptime", buf, sizeof buf);
    sscanf(buf, "%lf", &up2);
    check(got == 2 && up1 > 0 && idle >= 0 && up2 - up1 >= 0.15 && up2 - up1 < 5, "proc-uptime",
          "parsed %d fields: %.2f %.2f, then %.2f after 200 ms", got, up1, idle, up2);

    n = read_file("/proc/999999/stat", buf, sizeof buf);
    check_val("proc-missing-pid", n, -ENOENT);
    check_val("proc-pid-0", E(stat("/proc/0", &st)), -ENOENT);
}

static void test_proc_child(void)
{
    unsigned type = 0;
    int me = getpid();
    check(listed_in_proc(me, &type) && type == DT_DIR, "proc-lists-self", "pid %d listed with type %u", me, type);
    int p[2];
    pipe(p);
    int pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);     /* until the parent closes the pipe */
    }
    close(p[0]);
    char comm[64], state = '?';
    int ppid = -1, r = 0;
    for (int i = 0; i < 300; i++) {         /* until it blocks in read (at most 3 s) */
        r = proc_stat(pid, comm, sizeof comm, &state, &ppid);
        if (r != 0 || state == 'S')
            break;
        msleep(10);
    }
    check(r == 0 && state == 'S' && ppid == me && strcmp(comm, "f_dev") == 0, "proc-child-sleeping",
          "%s: comm \"%s\" state %c ppid %d", vstr(r), comm, state, ppid);
    check(listed_in_proc(pid, &type), "proc-lists-child", "pid %d not in /proc", pid);
    close(p[1]);
    /* The child exits: a zombie until waited for. */
    for (int i = 0; i < 100; i++) {
        if (proc_stat(pid, comm, sizeof comm, &state, &ppid) == 0 && state == 'Z')
            break;
        msleep(10);
    }
    struct stat st;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", pid);
    check(state == 'Z' && stat(path, &st) == 0 && listed_in_proc(pid, &type), "proc-zombie",
          "state %c, %s: %s", state, path, stat(path, &st) == 0 ? "exists" : ename(errno));
    int status = wait_for(pid, 0);
    long gone = E(stat(path, &st));
    check(status == 0 && gone == -ENOENT && !listed_in_proc(pid, &type), "proc-gone-after-wait",
          "child %s; after wait stat %s gives %s, listed %d", status_str(status), path, vstr(gone),
          listed_in_proc(pid, &type));
}

static int cmdline_helper(int argc, char **argv)
{
    char buf[1024], want[1024];
    size_t len = 0;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        memcpy(want + len, argv[i], l);
        len += l;
    }
    long n = read_file("/proc/self/cmdline", buf, sizeof buf);
    return n == (long)len && memcmp(buf, want, len) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--cmdline") == 0)
        return cmdline_helper(argc, argv);
    self = argv[0];
    test_memdevs();
    test_tty();
    test_proc_self();
    test_proc_child();
    return t_done("f_dev");
}
