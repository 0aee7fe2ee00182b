/* Process ABI: sched_setaffinity/getaffinity with getcpu (each hart in turn), policies and
 * priorities, nice, prctl names in /proc/self/comm and stat, pdeathsig, dumpable, membarrier,
 * rseq (ENOSYS, uncounted), riscv_flush_icache, riscv_hwprobe, uname, sethostname, sysinfo. */
#include "tap.h"
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#ifndef SYS_riscv_hwprobe
#define SYS_riscv_hwprobe 258
#endif
#ifndef SYS_riscv_flush_icache
#define SYS_riscv_flush_icache 259
#endif

static const char *slurp(const char *path)
{
    static char buf[512];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    return buf;
}

static volatile sig_atomic_t got_usr2;
static void on_usr2(int sig) { got_usr2 = sig == SIGUSR2; }

int main(void)
{
    /* affinity */
    cpu_set_t set;
    CPU_ZERO(&set);
    check(sched_getaffinity(0, sizeof set, &set) == 0, "getaffinity", "%s", strerror(errno));
    int ncpu = CPU_COUNT(&set);
    say("a_sched: %d cpus", ncpu);
    check(ncpu >= 1 && ncpu == (int)sysconf(_SC_NPROCESSORS_ONLN), "cpus-match", "mask %d, sysconf %ld", ncpu,
          sysconf(_SC_NPROCESSORS_ONLN));
    check_ret("getaffinity-small", syscall(SYS_sched_getaffinity, 0, 4, &set), -EINVAL);
    check_ret("getaffinity-ret", syscall(SYS_sched_getaffinity, 0, 128, &set), 8);
    int all_ok = 1;
    for (int c = ncpu - 1; c >= 0; c--) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(c, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0) {
            all_ok = 0;
            break;
        }
        for (int k = 0; k < 20; k++) {      /* stays there, also across yields */
            unsigned cpu = 99, node = 99;
            sched_yield();
            if (syscall(SYS_getcpu, &cpu, &node, NULL) != 0 || cpu != (unsigned)c || node != 0) {
                say("a_sched: cpu %d: getcpu says %u", c, cpu);
                all_ok = 0;
            }
        }
        cpu_set_t back;
        if (sched_getaffinity(0, sizeof back, &back) != 0 || CPU_COUNT(&back) != 1 || !CPU_ISSET(c, &back))
            all_ok = 0;
    }
    check(all_ok, "setaffinity-getcpu", "a process pinned to a cpu ran elsewhere");
    CPU_ZERO(&set);
    CPU_SET(60, &set);
    check_ret("setaffinity-none-online", sched_setaffinity(0, sizeof set, &set), -EINVAL);
    check_ret("setaffinity-esrch", sched_setaffinity(99999, sizeof set, &set), -ESRCH);
    int pid = fork();
    if (pid == 0) {
        cpu_set_t s;
        _exit(sched_getaffinity(0, sizeof s, &s) == 0 && CPU_COUNT(&s) == 1 && CPU_ISSET(0, &s) ? 0 : 1);
    }
    check(wait_for(pid, 0) == 0, "affinity-inherited", "child had another mask");
    for (int c = 0; c < ncpu; c++)
        CPU_SET(c, &set);
    sched_setaffinity(0, sizeof set, &set);

    /* policies */
    struct sched_param sp = { 0 };
    check_ret("getscheduler", sched_getscheduler(0), SCHED_OTHER);
    check_ret("setscheduler-batch", sched_setscheduler(0, SCHED_BATCH, &sp), 0);
    check_ret("getscheduler-batch", sched_getscheduler(0), SCHED_BATCH);
    check_ret("setscheduler-other", sched_setscheduler(0, SCHED_OTHER, &sp), 0);
    sp.sched_priority = 5;
    check_ret("setscheduler-other-prio", sched_setscheduler(0, SCHED_OTHER, &sp), -EINVAL);
    check_ret("setscheduler-fifo", sched_setscheduler(0, SCHED_FIFO, &sp), -EPERM);
    check_ret("setscheduler-bad", sched_setscheduler(0, 77, &sp), -EINVAL);
    check(sched_getparam(0, &sp) == 0 && sp.sched_priority == 0, "getparam", "prio %d", sp.sched_priority);
    check(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1 &&
          sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_OTHER) == 0, "priority-range",
          "wrong");
    check_ret("priority-max-bad", sched_get_priority_max(42), -EINVAL);

    /* nice */
    errno = 0;
    check(getpriority(PRIO_PROCESS, 0) == 0 && errno == 0, "getpriority", "%s", strerror(errno));
    check_ret("setpriority", setpriority(PRIO_PROCESS, 0, 7), 0);
    check(getpriority(PRIO_PROCESS, 0) == 7 && syscall(SYS_getpriority, PRIO_PROCESS, 0) == 13, "nice-stored",
          "raw %ld", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    check(nice(100) == 19, "nice-clamped", "wrong");
    setpriority(PRIO_PROCESS, 0, 0);
    check_ret("setpriority-esrch", setpriority(PRIO_PROCESS, 99999, 1), -ESRCH);
    check_ret("getpriority-which", getpriority(9, 0), -EINVAL);

    /* prctl */
    char name[16] = { 0 };
    check(prctl(PR_SET_NAME, "worker-with-a-long-name") == 0, "set-name", "%s", strerror(errno));
    check(prctl(PR_GET_NAME, name) == 0 && !strcmp(name, "worker-with-a-l"), "get-name", "%s", name);
    check(!strcmp(slurp("/proc/self/comm"), "worker-with-a-l\n"), "comm", "comm is %s", slurp("/proc/self/comm"));
    check(strstr(slurp("/proc/self/stat"), "(worker-with-a-l") != NULL, "stat-name", "%s", slurp("/proc/self/stat"));
    check(prctl(PR_SET_PDEATHSIG, SIGUSR1) == 0, "set-pdeathsig", "%s", strerror(errno));
    int sig = -1;
    check(prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR1, "get-pdeathsig", "%d", sig);
    prctl(PR_SET_PDEATHSIG, 0);
    check_ret("pdeathsig-bad", prctl(PR_SET_PDEATHSIG, 1000), -EINVAL);
    check_ret("dumpable", prctl(PR_GET_DUMPABLE), 1);
    check_ret("set-dumpable", prctl(PR_SET_DUMPABLE, 0), 0);
    check_ret("dumpable-0", prctl(PR_GET_DUMPABLE), 0);
    prctl(PR_SET_DUMPABLE, 1);
    check_ret("prctl-other", prctl(12345, 0), -EINVAL);
    /* the parent-death signal reaches a grandchild when its parent (our child) exits */
    int pfd[2];
    pipe(pfd);
    pid = fork();
    if (pid == 0) {
        int gc = fork();
        if (gc == 0) {
            signal(SIGUSR2, on_usr2);
            prctl(PR_SET_PDEATHSIG, SIGUSR2);
            if (write(pfd[1], "r", 1) != 1)
                _exit(3);
            for (int i = 0; i < 500 && !got_usr2; i++)
                usleep(10000);
            char c = got_usr2 ? 'y' : 'n';
            if (write(pfd[1], &c, 1) != 1)
                _exit(3);
            _exit(0);
        }
        char c;
        if (read(pfd[0], &c, 1) != 1)
            _exit(2);
        _exit(0);
    }
    wait_for(pid, 0);
    char c1 = 0;
    if (read(pfd[0], &c1, 1) != 1)
        c1 = 0;
    check(c1 == 'y', "pdeathsig-delivered", "grandchild said %c", c1 ? c1 : '?');

    /* membarrier, rseq */
    long q = syscall(SYS_membarrier, 0, 0);
    check(q > 0 && (q & 1) && (q & 8) && (q & 16), "membarrier-query", "%lx", q);
    check_ret("membarrier-global", syscall(SYS_membarrier, 1, 0), 0);
    check_ret("membarrier-private-unregistered", syscall(SYS_membarrier, 8, 0), -EPERM);
    check_ret("membarrier-register", syscall(SYS_membarrier, 16, 0), 0);
    check_ret("membarrier-private", syscall(SYS_membarrier, 8, 0), 0);
    check_ret("membarrier-flags", syscall(SYS_membarrier, 1, 5), -EINVAL);
    check_ret("membarrier-bad", syscall(SYS_membarrier, 1 << 12, 0), -EINVAL);
    check_ret("rseq-enosys", syscall(293, NULL, 0, 0, 0), -ENOSYS);

    /* RISC-V */
    check_ret("flush-icache", syscall(SYS_riscv_flush_icache, 0, 0, 0), 0);
    check_ret("flush-icache-local", syscall(SYS_riscv_flush_icache, 0, 0, 1), 0);
    check_ret("flush-icache-flags", syscall(SYS_riscv_flush_icache, 0, 0, 2), -EINVAL);
    struct { int64_t key; uint64_t value; } pairs[] = { { 3, 0 }, { 4, 0 }, { 5, 7 }, { 999, 5 }, { 0, 1 } };
    check_ret("hwprobe", syscall(SYS_riscv_hwprobe, pairs, 5, 0, NULL, 0), 0);
    check(pairs[0].value == 1 && (pairs[1].value & 3) == 3 && !(pairs[1].value & 4) && pairs[2].value == 0 &&
          pairs[3].key == -1 && pairs[3].value == 0 && pairs[4].key == 0, "hwprobe-values",
          "base %lu ima %lx perf %lu unknown %ld", (unsigned long)pairs[0].value, (unsigned long)pairs[1].value,
          (unsigned long)pairs[2].value, (long)pairs[3].key);
    check_ret("hwprobe-flags", syscall(SYS_riscv_hwprobe, pairs, 1, 0, NULL, 1), -EINVAL);
    check_ret("hwprobe-efault", syscall(SYS_riscv_hwprobe, (void *)8, 1, 0, NULL, 0), -EFAULT);

    /* names */
    struct utsname u;
    uname(&u);
    check(!strcmp(u.sysname, "Linux") && !strcmp(u.machine, "riscv64") && !strncmp(u.release, "6.", 2),
          "uname-linux", "%s %s %s", u.sysname, u.release, u.machine);
    check_ret("sethostname", sethostname("box", 3), 0);
    uname(&u);
    char hn[65];
    gethostname(hn, sizeof hn);
    check(!strcmp(u.nodename, "box") && !strcmp(hn, "box"), "hostname-set", "%s", u.nodename);
    check_ret("sethostname-long", sethostname(hn, 65), -EINVAL);
    check_ret("setdomainname", setdomainname("example", 7), 0);
    uname(&u);
    check(!strcmp(u.domainname, "example"), "domainname", "%s", u.domainname);
    sethostname("rvix", 4);
    setdomainname("(none)", 6);
    struct sysinfo si;
    check(sysinfo(&si) == 0 && si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram && si.procs >= 1 &&
          si.mem_unit > 0, "sysinfo", "total %lu free %lu", si.totalram, si.freeram);
    return t_failed ? 1 : 0;
}
