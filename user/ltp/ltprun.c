/* ltprun: the guest side of `make ltp` (scripts/ltp.py). Runs the LTP tests listed in a file,
 * one at a time, each with a wall-clock limit, and prints one machine-readable line per test:
 *
 *   @@ltp start NAME
 *   @@ltp end NAME exit=N|signal=N|timeout|noexec secs=S.SS enosys=NR:COUNT,...
 *
 * The list has one test a line in LTP's runtest format, "NAME PROGRAM [ARGS...]"; PROGRAM is
 * looked up in BINDIR. "enosys" is what /proc/enosys gained while the test ran (system calls the
 * kernel lacks). Every test runs in its own process group with stdin on /dev/null; when it ends
 * or runs out of time, everything it left behind is killed (kill(-1) as pid 1, its group
 * otherwise) and reaped, and leftovers in /tmp and /dev/shm (created here, as a Linux system
 * has it) are removed, so tests do not see each other.
 * No alarm or timer is needed: the parent polls wait4 with WNOHANG between short sleeps.
 *
 * Usage: ltprun [LIST BINDIR TIMEOUT_SECONDS]; without arguments (the kernel's spawn= passes
 * none) /ltp/list, /ltp/bin and the number in /ltp/timeout. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS   32
#define ENOSYS_MAX 1024     /* system call numbers tracked from /proc/enosys */
#define TMP_DIR    "/tmp"
#define SHM_DIR    "/dev/shm"  /* where LTP (and shm_open) put shared files, as on Linux */

static unsigned long enosys_before[ENOSYS_MAX];
static unsigned long enosys_now[ENOSYS_MAX];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Reads /proc/enosys ("NR COUNT" lines; ">=NR COUNT" for numbers past the table). */
static void enosys_read(unsigned long *counts)
{
    memset(counts, 0, ENOSYS_MAX * sizeof *counts);
    FILE *f = fopen("/proc/enosys", "r");
    if (!f)
        return;
    char line[128];
    while (fgets(line, sizeof line, f)) {
        const char *p = line[0] == '>' && line[1] == '=' ? line + 2 : line;
        unsigned long nr, count;
        if (sscanf(p, "%lu %lu", &nr, &count) == 2 && nr < ENOSYS_MAX)
            counts[nr] = count;
    }
    fclose(f);
}

static void remove_tree(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode) && depth < 32) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char sub[4096];
                if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
                    remove_tree(sub, depth + 1);
            }
            closedir(d);
        }
        if (depth > 0)
            rmdir(path);
    } else if (depth > 0) {
        chmod(path, 0600);
        unlink(path);
    }
}

/* Kills whatever the test left running and reaps it (we are pid 1 in the guest, so orphans
 * come to us). The group is tried too, for when we are not pid 1. */
static void clean_up(pid_t pgid)
{
    if (getpid() == 1)
        kill(-1, SIGKILL);
    if (pgid > 0)
        kill(-pgid, SIGKILL);
    for (int tries = 0; tries < 200; tries++) {
        pid_t r = waitpid(-1, NULL, WNOHANG);
        if (r < 0)
            break;          /* ECHILD: nothing left */
        if (r == 0)
            nap_ms(10);
    }
    remove_tree(TMP_DIR, 0);
    remove_tree(SHM_DIR, 0);
}

static void child(char **argv, const char *bindir)
{
    setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0 && null != 0) {
        dup2(null, 0);
        close(null);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    if (chdir(TMP_DIR) < 0)
        chdir("/");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", bindir, argv[0]);
    execv(path, argv);
    fprintf(stderr, "ltprun: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
}

static void run_one(char *name, char **argv, const char *bindir, double limit)
{
    printf("@@ltp start %s\n", name);
    fflush(stdout);
    enosys_read(enosys_before);
    double started = now();
    pid_t pid = fork();
    if (pid < 0) {
        printf("@@ltp end %s fork-failed errno=%d secs=0\n", name, errno);
        fflush(stdout);
        return;
    }
    if (pid == 0)
        child(argv, bindir);
    setpgid(pid, pid);      /* either side may get there first */

    /* One wait4(-1) loop reaps the test and whatever else ends (orphans of earlier tests,
     * grandchildren that came to pid 1), so the test's own status is never taken by another
     * call. */
    char verdict[64] = "";
    long ms = 5;
    for (;;) {
        int st;
        pid_t r = waitpid(-1, &st, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
                snprintf(verdict, sizeof verdict, "noexec");
            else if (WIFEXITED(st))
                snprintf(verdict, sizeof verdict, "exit=%d", WEXITSTATUS(st));
            else
                snprintf(verdict, sizeof verdict, "signal=%d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
            break;
        }
        if (r > 0)
            continue;           /* someone else: look again at once */
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(verdict, sizeof verdict, "lost errno=%d", errno);
            break;
        }
        if (now() - started > limit) {
            snprintf(verdict, sizeof verdict, "timeout");
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            break;
        }
        nap_ms(ms);
        if (ms < 50)
            ms *= 2;
    }
    double secs = now() - started;
    clean_up(pid);
    enosys_read(enosys_now);

    char calls[512] = "";
    size_t len = 0;
    for (int nr = 0; nr < ENOSYS_MAX && len + 32 < sizeof calls; nr++)
        if (enosys_now[nr] > enosys_before[nr])
            len += (size_t)snprintf(calls + len, sizeof calls - len, "%s%d:%lu", len ? "," : "", nr,
                                    enosys_now[nr] - enosys_before[nr]);
    printf("@@ltp end %s %s secs=%.2f enosys=%s\n", name, verdict, secs, calls[0] ? calls : "-");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc != 1 && argc != 4) {
        fprintf(stderr, "usage: ltprun [LIST BINDIR TIMEOUT_SECONDS]\n");
        return 2;
    }
    const char *list_path = argc == 4 ? argv[1] : "/ltp/list";
    const char *bindir = argc == 4 ? argv[2] : "/ltp/bin";
    double limit = 0;
    if (argc == 4) {
        limit = atof(argv[3]);
    } else {
        FILE *t = fopen("/ltp/timeout", "r");
        if (t) {
            if (fscanf(t, "%lf", &limit) != 1)
                limit = 0;
            fclose(t);
        }
    }
    if (limit <= 0)
        limit = 30;
    FILE *list = fopen(list_path, "r");
    if (!list) {
        fprintf(stderr, "ltprun: %s: %s\n", list_path, strerror(errno));
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    setenv("PATH", "/ltp/bin:/bin:/sbin", 1);
    setenv("LTPROOT", "/ltp", 1);
    setenv("TMPDIR", TMP_DIR, 1);
    setenv("HOME", "/", 1);
    setenv("LTP_COLORIZE_OUTPUT", "0", 1);
    /* Tests that loop for a set time (fuzzy-sync races) run a tenth of it; LTP's own
     * per-test timeout (an alarm) is stretched, ours decides. */
    setenv("LTP_RUNTIME_MUL", "0.1", 0);
    setenv("LTP_TIMEOUT_MUL", "4", 0);
    mkdir(TMP_DIR, 01777);
    mkdir(SHM_DIR, 01777);
    printf("@@ltp begin timeout=%.0f\n", limit);

    char line[1024];
    while (fgets(line, sizeof line, list)) {
        char *words[MAX_ARGS + 2];
        int n = 0;
        for (char *tok = strtok(line, " \t\r\n"); tok && n < MAX_ARGS + 1; tok = strtok(NULL, " \t\r\n"))
            words[n++] = tok;
        if (n < 2 || words[0][0] == '#')
            continue;
        words[n] = NULL;
        run_one(words[0], words + 1, bindir, limit);
    }
    fclose(list);
    printf("@@ltp done\n");
    return 0;
}
