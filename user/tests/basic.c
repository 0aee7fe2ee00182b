/* The everyday glibc program: stdio printf, malloc, fork, wait4 and a signal handler.
 * Its "out:" lines are compared with the same program on Linux (scripts/host-compare.py). */
#include "tap.h"
#include <signal.h>
#include <stdlib.h>

static volatile sig_atomic_t usr1_count;
static volatile sig_atomic_t chld_count;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void on_chld(int sig)
{
    (void)sig;
    chld_count++;
}

int main(void)
{
    printf("out: printf: %d %5.2f %-6s| %x %c %s\n", 42, 3.14159, "left", 255u, 'z', "end");
    printf("out: printf long: %lld %llu %e\n", -1234567890123LL, 18446744073709551615ULL, 1e-300);
    fflush(stdout);

    size_t n = 1 << 20;
    unsigned *v = malloc(n * sizeof *v);
    unsigned long long sum = 0;
    for (size_t i = 0; i < n; i++)
        v[i] = (unsigned)(i * 2654435761u);
    for (size_t i = 0; i < n; i++)
        sum += v[i] >> 7;
    char *s = malloc(32);
    strcpy(s, "malloc'd string");
    printf("out: malloc: sum %llu, \"%s\"\n", sum, s);
    fflush(stdout);
    check(v != NULL && s != NULL, "basic-malloc", "malloc failed");
    free(v);

    signal(SIGUSR1, on_usr1);
    signal(SIGCHLD, on_chld);
    raise(SIGUSR1);
    printf("out: handler ran %d time(s) after raise\n", (int)usr1_count);
    fflush(stdout);
    check(usr1_count == 1, "basic-raise-handler", "count %d", (int)usr1_count);

    int parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* The child has its own copy of the heap and the handler. */
        strcpy(s, "child's copy");
        kill(parent, SIGUSR1);
        printf("out: child: handler count %d, string \"%s\"\n", (int)usr1_count, s);
        fflush(stdout);
        exit(7);
    }
    int status = 0;
    pid_t r = wait4(pid, &status, 0, NULL);
    printf("out: parent: wait4 returned the child %s, %s, string \"%s\"\n", r == pid ? "yes" : "no",
           status_str(status), s);
    printf("out: parent: SIGUSR1 from child handled %s, SIGCHLD handled %s\n",
           usr1_count == 2 ? "yes" : "no", chld_count == 1 ? "yes" : "no");
    fflush(stdout);
    check(r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7, "basic-fork-wait4",
          "wait4 %d (child %d), %s", r, pid, status_str(status));
    check(usr1_count == 2 && chld_count == 1, "basic-signals", "SIGUSR1 count %d, SIGCHLD count %d",
          (int)usr1_count, (int)chld_count);
    check(strcmp(s, "malloc'd string") == 0, "basic-heap-private", "parent's string: %s", s);
    free(s);
    return t_done("basic");
}
