/* sh: the job table and job control: process groups, handing the terminal to the
 * foreground job (tcsetpgrp), waiting with WUNTRACED, and "[1]+ Done" notices. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int job_control;
int tty_fd = -1;
pid_t shell_pgid;

static struct job **jobs;   /* indexed by id - 1; NULL slots are free */
static int njobs;
static unsigned long seqno;
static struct termios shell_tmodes;
static int have_tmodes;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Interactive shells survive ^C, ^\ and ^Z and may use the terminal from any group.
 * SIGINT gets a handler rather than SIG_IGN so that it interrupts a read at the prompt. */
static void shell_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
}

void jobs_init(int inter)
{
    if (!inter)
        return;
    tty_fd = dup_high(0);
    if (tty_fd < 0)
        tty_fd = 0;
    /* Started in the background by another shell: wait until we are brought forward.
     * A session leader (started by init) owns its terminal and just takes it. */
    for (int tries = 0; getsid(0) != getpid() && tries < 100; tries++) {
        pid_t fg = tcgetpgrp(tty_fd);
        if (fg <= 0 || fg == getpgrp())
            break;
        kill(-getpgrp(), SIGTTIN);
    }
    shell_signals();
    if (getpgrp() != getpid())
        setpgid(0, 0);  /* fails for a session leader, which is a group leader anyway */
    shell_pgid = getpgrp();
    if (tty_fd >= 0) {
        tcsetpgrp(tty_fd, shell_pgid);
        have_tmodes = tcgetattr(tty_fd, &shell_tmodes) == 0;
    }
    job_control = 1;
}

int status_to_code(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    if (WIFSTOPPED(st))
        return 128 + WSTOPSIG(st);
    return 1;
}

struct job *job_new(const char *text, int background)
{
    int slot = 0;
    while (slot < njobs && jobs[slot])
        slot++;
    if (slot == njobs) {
        jobs = xrealloc(jobs, (njobs + 1) * sizeof *jobs);
        jobs[njobs++] = NULL;
    }
    struct job *j = xmalloc(sizeof *j);
    memset(j, 0, sizeof *j);
    j->id = slot + 1;
    j->text = xstrdup(text ? text : "");
    j->background = background;
    j->seq = ++seqno;
    jobs[slot] = j;
    return j;
}

void job_add_proc(struct job *j, pid_t pid)
{
    j->procs = xrealloc(j->procs, (j->nprocs + 1) * sizeof *j->procs);
    j->procs[j->nprocs].pid = pid;
    j->procs[j->nprocs].state = P_RUNNING;
    j->procs[j->nprocs].status = 0;
    j->nprocs++;
}

void job_remove(struct job *j)
{
    jobs[j->id - 1] = NULL;
    while (njobs && !jobs[njobs - 1])
        njobs--;
    free(j->procs);
    free(j->text);
    free(j);
}

int job_state(struct job *j)
{
    int stopped = 0;
    for (int i = 0; i < j->nprocs; i++) {
        if (j->procs[i].state == P_RUNNING)
            return P_RUNNING;
        if (j->procs[i].state == P_STOPPED)
            stopped = 1;
    }
    return stopped ? P_STOPPED : P_DONE;
}

int job_status(struct job *j)
{
    return j->nprocs ? status_to_code(j->procs[j->nprocs - 1].status) : 0;
}

/* Records a wait status; unknown pids (here-document writers, orphans) are ignored. */
static void update_proc(pid_t pid, int st)
{
    for (int k = 0; k < njobs; k++) {
        struct job *j = jobs[k];
        for (int i = 0; j && i < j->nprocs; i++) {
            if (j->procs[i].pid != pid)
                continue;
            j->procs[i].status = st;
            if (WIFSTOPPED(st)) {
                j->procs[i].state = P_STOPPED;
                j->seq = ++seqno;
            } else
                j->procs[i].state = P_DONE;
            return;
        }
    }
}

void jobs_reap(void)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0)
        update_proc(pid, st);
}

/* '+' marks the current job (the one fg/bg use by default), '-' the previous one. */
static char job_mark(struct job *j)
{
    unsigned long best = 0, second = 0;
    for (int k = 0; k < njobs; k++) {
        if (!jobs[k])
            continue;
        unsigned long s = jobs[k]->seq;
        if (s > best) {
            second = best;
            best = s;
        } else if (s > second)
            second = s;
    }
    return j->seq == best ? '+' : j->seq == second ? '-' : ' ';
}

static void state_text(struct job *j, char *buf, size_t n)
{
    int state = job_state(j);
    int st = j->nprocs ? j->procs[j->nprocs - 1].status : 0;
    if (state == P_RUNNING)
        snprintf(buf, n, "Running");
    else if (state == P_STOPPED)
        snprintf(buf, n, "Stopped");
    else if (WIFSIGNALED(st))
        snprintf(buf, n, "%s", strsignal(WTERMSIG(st)));
    else if (WEXITSTATUS(st))
        snprintf(buf, n, "Exit %d", WEXITSTATUS(st));
    else
        snprintf(buf, n, "Done");
}

static void print_job(FILE *f, struct job *j, int full)
{
    char state[64];
    state_text(j, state, sizeof state);
    char pids[32] = "";
    if (full)
        snprintf(pids, sizeof pids, "%d ", (int)j->procs[0].pid);
    int running_bg = job_state(j) == P_RUNNING && j->background;
    fprintf(f, "[%d]%c %s%s  %s%s\n", j->id, job_mark(j), pids, state, j->text,
            running_bg ? " &" : "");
    fflush(f);
}

void job_print(struct job *j, int full)
{
    print_job(stdout, j, full);
}

void job_background_started(struct job *j)
{
    if (interactive) {
        fprintf(stderr, "[%d] %d\n", j->id, (int)j->procs[j->nprocs - 1].pid);
        fflush(stderr);
    }
}

/* Tells about finished (and newly stopped background) jobs; called before each prompt. */
void jobs_notify(void)
{
    for (int k = 0; k < njobs; k++) {
        struct job *j = jobs[k];
        if (!j)
            continue;
        int state = job_state(j);
        if (state == P_DONE) {
            if (interactive && j->background)
                print_job(stderr, j, 0);
            job_remove(j);
        }
    }
}

static void report_signal(int st)
{
    if (!WIFSIGNALED(st))
        return;
    int sig = WTERMSIG(st);
    if (sig == SIGINT) {
        if (job_control)
            interrupted = 1;    /* ^C also stops the loop or list that started the job */
        if (interactive)
            write(2, "\n", 1);
    } else if (sig != SIGPIPE) {
        fprintf(stderr, "%s%s\n", strsignal(sig), WCOREDUMP(st) ? " (core dumped)" : "");
        fflush(stderr);
    }
}

/* Waits for a foreground job until it ends or stops; cont sends SIGCONT first (fg). */
int job_wait_fg(struct job *j, int cont)
{
    if (job_control && tty_fd >= 0)
        tcsetpgrp(tty_fd, j->pgid);
    if (cont) {
        kill(-j->pgid, SIGCONT);
        for (int i = 0; i < j->nprocs; i++)
            if (j->procs[i].state == P_STOPPED)
                j->procs[i].state = P_RUNNING;
    }
    j->background = 0;
    while (job_state(j) == P_RUNNING) {
        int st;
        pid_t pid = waitpid(-1, &st, WUNTRACED);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0) {
            /* No children left: whatever we still wait for is gone. */
            for (int i = 0; i < j->nprocs; i++)
                if (j->procs[i].state == P_RUNNING)
                    j->procs[i].state = P_DONE;
            break;
        }
        update_proc(pid, st);
    }
    if (job_control && tty_fd >= 0) {
        tcsetpgrp(tty_fd, shell_pgid);
        if (have_tmodes)
            tcsetattr(tty_fd, TCSADRAIN, &shell_tmodes);  /* undo what a crashed program left */
    }
    if (job_state(j) == P_STOPPED) {
        j->background = 1;
        int sig = SIGTSTP;
        for (int i = 0; i < j->nprocs; i++)
            if (j->procs[i].state == P_STOPPED)
                sig = WSTOPSIG(j->procs[i].status);
        fprintf(stderr, "\n[%d]+ Stopped  %s\n", j->id, j->text);
        fflush(stderr);
        return 128 + sig;
    }
    int code = job_status(j);
    report_signal(j->procs[j->nprocs - 1].status);
    job_remove(j);
    return code;
}

/* %n, n, %+ / %% / % (current), %- (previous), %prefix. */
struct job *job_find(const char *spec, const char *who)
{
    struct job *found = NULL;
    if (!spec || !strcmp(spec, "%") || !strcmp(spec, "%%") || !strcmp(spec, "%+") ||
        !strcmp(spec, "%-")) {
        char want = spec && !strcmp(spec, "%-") ? '-' : '+';
        for (int k = 0; k < njobs; k++)
            if (jobs[k] && job_mark(jobs[k]) == want)
                found = jobs[k];
    } else {
        const char *s = spec[0] == '%' ? spec + 1 : spec;
        char *end;
        long id = strtol(s, &end, 10);
        if (*s && !*end) {
            if (id >= 1 && id <= njobs)
                found = jobs[id - 1];
        } else {
            for (int k = 0; k < njobs && !found; k++)
                if (jobs[k] && strncmp(jobs[k]->text, s, strlen(s)) == 0)
                    found = jobs[k];
        }
    }
    if (!found)
        sh_error("%s: %s: no such job", who, spec ? spec : "current");
    return found;
}

int jobs_stopped_count(void)
{
    int n = 0;
    for (int k = 0; k < njobs; k++)
        if (jobs[k] && job_state(jobs[k]) == P_STOPPED)
            n++;
    return n;
}

/* On exit: stopped jobs would never wake up, so hang them up (and continue them to see it). */
void jobs_hangup_all(void)
{
    for (int k = 0; k < njobs; k++) {
        if (jobs[k] && job_state(jobs[k]) == P_STOPPED && jobs[k]->pgid > 0) {
            kill(-jobs[k]->pgid, SIGHUP);
            kill(-jobs[k]->pgid, SIGCONT);
        }
    }
}

/* The wait built-in without arguments: every running job. ^C interrupts it. */
int jobs_wait_all(void)
{
    for (;;) {
        int running = 0;
        for (int k = 0; k < njobs; k++)
            if (jobs[k] && job_state(jobs[k]) == P_RUNNING)
                running = 1;
        if (!running)
            break;
        int st;
        pid_t pid = waitpid(-1, &st, WUNTRACED);
        if (pid < 0 && errno == EINTR && interrupted)
            return 130;
        if (pid < 0 && errno != EINTR)
            break;
        if (pid > 0)
            update_proc(pid, st);
    }
    for (int k = 0; k < njobs; k++)
        if (jobs[k] && job_state(jobs[k]) == P_DONE)
            job_remove(jobs[k]);
    return 0;
}

static struct job *job_of_pid(pid_t pid)
{
    for (int k = 0; k < njobs; k++)
        for (int i = 0; jobs[k] && i < jobs[k]->nprocs; i++)
            if (jobs[k]->procs[i].pid == pid)
                return jobs[k];
    return NULL;
}

/* wait PID: 127 when it is not a child we know about. */
int job_wait_pid(pid_t pid)
{
    struct job *j = job_of_pid(pid);
    if (!j)
        return 127;
    while (job_state(j) == P_RUNNING) {
        int st;
        pid_t r = waitpid(-1, &st, WUNTRACED);
        if (r < 0 && errno == EINTR && interrupted)
            return 130;
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0)
            update_proc(r, st);
    }
    int code = 0;
    for (int i = 0; i < j->nprocs; i++)
        if (j->procs[i].pid == pid)
            code = status_to_code(j->procs[i].status);
    if (job_state(j) == P_DONE)
        job_remove(j);
    return code;
}

struct job **jobs_list(int *n)
{
    *n = njobs;
    return jobs;
}
