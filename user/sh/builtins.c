/* sh: built-in commands: the ones that must change the shell itself (cd, exit, export,
 * jobs, fg, ...) plus a few cheap ones (true, false, :). */
#include "sh.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int stopped_warned;

void shell_exit(int code)
{
    fflush(stdout);
    if (interactive)
        jobs_hangup_all();
    exit(code);
}

static int bi_true(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 0;
}

static int bi_false(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 1;
}

static int bi_cd(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : var_get("HOME");
    int print = 0;
    if (!dir)
        dir = "/";
    if (argc > 1 && strcmp(dir, "-") == 0) {
        dir = var_get("OLDPWD");
        if (!dir) {
            sh_error("cd: OLDPWD not set");
            return 1;
        }
        print = 1;
    }
    char *target = xstrdup(dir);
    if (chdir(target) < 0) {
        sh_error("cd: %s: %s", target, strerror(errno));
        free(target);
        return 1;
    }
    const char *old = var_get("PWD");
    if (old)
        var_set("OLDPWD", old);
    char cwd[PATH_MAX];
    var_set("PWD", getcwd(cwd, sizeof cwd) ? cwd : target);
    if (print)
        printf("%s\n", var_get("PWD"));
    free(target);
    return 0;
}

static int bi_pwd(int argc, char **argv)
{
    (void)argc, (void)argv;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        sh_error("pwd: %s", strerror(errno));
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}

static int bi_exit(int argc, char **argv)
{
    if (interactive && jobs_stopped_count() && !stopped_warned) {
        fprintf(stderr, "There are stopped jobs.\n");
        stopped_warned = 2;     /* an exit on the very next line goes ahead */
        return 1;
    }
    shell_exit(argc > 1 ? atoi(argv[1]) & 255 : last_status);
}

static int bi_export(int argc, char **argv)
{
    if (argc == 1 || (argc == 2 && strcmp(argv[1], "-p") == 0)) {
        var_print(1);
        return 0;
    }
    int st = 0;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (!is_name(argv[i], n)) {
            sh_error("export: %s: bad variable name", argv[i]);
            st = 1;
            continue;
        }
        char *name = xstrndup(argv[i], n);
        if (eq)
            var_set(name, eq + 1);
        var_export(name);
        free(name);
    }
    return st;
}

static int bi_unset(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-v") != 0)
            var_unset(argv[i]);
    return 0;
}

/* set: list variables; set -e/-x/+e/+x; set [--] args replaces $1... */
static int bi_set(int argc, char **argv)
{
    if (argc == 1) {
        var_print(0);
        return 0;
    }
    int i = 1;
    for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            set_positional(argv + i, argc - i);
            return 0;
        }
        int on = argv[i][0] == '-';
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'e')
                opt_errexit = on;
            else if (*o == 'x')
                opt_xtrace = on;
            else {
                sh_error("set: -%c: unknown option", *o);
                return 2;
            }
        }
    }
    if (i < argc)
        set_positional(argv + i, argc - i);
    return 0;
}

static int bi_shift(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 0 || n > pos_count) {
        sh_error("shift: can't shift that many");
        return 1;
    }
    set_positional(pos_args + n, pos_count - n);
    return 0;
}

static int bi_jobs(int argc, char **argv)
{
    int full = argc > 1 && strcmp(argv[1], "-l") == 0;
    int pgids = argc > 1 && strcmp(argv[1], "-p") == 0;
    jobs_reap();
    int n;
    struct job **list = jobs_list(&n);
    for (int k = 0; k < n; k++) {
        struct job *j = list[k];
        if (!j)
            continue;
        if (pgids)
            printf("%d\n", (int)(j->pgid ? j->pgid : j->procs[0].pid));
        else
            job_print(j, full);
        if (job_state(j) == P_DONE)
            job_remove(j);
    }
    return 0;
}

static int bi_fg(int argc, char **argv)
{
    if (!job_control) {
        sh_error("fg: no job control");
        return 1;
    }
    struct job *j = job_find(argc > 1 ? argv[1] : NULL, "fg");
    if (!j)
        return 1;
    printf("%s\n", j->text);
    fflush(stdout);
    return job_wait_fg(j, 1);
}

static int bi_bg(int argc, char **argv)
{
    if (!job_control) {
        sh_error("bg: no job control");
        return 1;
    }
    struct job *j = job_find(argc > 1 ? argv[1] : NULL, "bg");
    if (!j)
        return 1;
    for (int i = 0; i < j->nprocs; i++)
        if (j->procs[i].state == P_STOPPED)
            j->procs[i].state = P_RUNNING;
    j->background = 1;
    kill(-j->pgid, SIGCONT);
    printf("[%d]+ %s &\n", j->id, j->text);
    return 0;
}

static int bi_wait(int argc, char **argv)
{
    if (argc == 1)
        return jobs_wait_all();
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '%') {
            struct job *j = job_find(argv[i], "wait");
            st = j ? job_wait_pid(j->procs[j->nprocs - 1].pid) : 127;
        } else
            st = job_wait_pid(atoi(argv[i]));
    }
    return st;
}

/* Signal by name (TERM, SIGTERM) or number. */
static int parse_signal(const char *s)
{
    if (isdigit((unsigned char)*s))
        return atoi(s);
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int sig = 1; sig < NSIG; sig++) {
        const char *name = sigabbrev_np(sig);
        if (name && strcasecmp(name, s) == 0)
            return sig;
    }
    return -1;
}

/* kill is also a tool; the built-in exists so that %job works. */
static int bi_kill(int argc, char **argv)
{
    int sig = SIGTERM, i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        if (i + 1 < argc) {
            int s = atoi(argv[i + 1]);
            s = s > 128 ? s - 128 : s;      /* kill -l $? after a signal death */
            if (s <= 0 || s >= NSIG || !sigabbrev_np(s)) {
                sh_error("kill: %s: invalid signal", argv[i + 1]);
                return 1;
            }
            printf("%s\n", sigabbrev_np(s));
            return 0;
        }
        for (int s = 1; s < NSIG; s++)
            if (sigabbrev_np(s))
                printf("%2d) SIG%s\n", s, sigabbrev_np(s));
        return 0;
    }
    if (i + 1 < argc && strcmp(argv[i], "-s") == 0) {
        sig = parse_signal(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
        sig = parse_signal(argv[i] + 1);
        i++;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    if (sig < 0 || sig >= NSIG) {
        sh_error("kill: invalid signal");
        return 1;
    }
    if (i >= argc) {
        sh_error("kill: usage: kill [-s SIG | -SIG] pid|%%job ...");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        pid_t pid;
        if (argv[i][0] == '%') {
            struct job *j = job_find(argv[i], "kill");
            if (!j) {
                st = 1;
                continue;
            }
            pid = j->pgid ? -j->pgid : j->procs[0].pid;
        } else {
            char *end;
            pid = strtol(argv[i], &end, 10);
            if (!*argv[i] || *end) {
                sh_error("kill: %s: arguments must be process or job IDs", argv[i]);
                st = 1;
                continue;
            }
        }
        if (kill(pid, sig) < 0) {
            sh_error("kill: %s: %s", argv[i], strerror(errno));
            st = 1;
        }
    }
    return st;
}

static int bi_source(int argc, char **argv)
{
    if (argc < 2) {
        sh_error("%s: filename argument required", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        sh_error("%s: %s", argv[1], strerror(errno));
        return 1;
    }
    int st = run_fd(fd, 0);
    close(fd);
    return st;
}

static int bi_eval(int argc, char **argv)
{
    struct sbuf b = {0};
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            sb_addc(&b, ' ');
        sb_adds(&b, argv[i]);
    }
    int st = b.s ? run_string(b.s) : 0;
    sb_free(&b);
    return st;
}

/* read [-r] [-p prompt] name...: one line from stdin, split on IFS; the last name gets the
 * rest. Reads a byte at a time so no input meant for later commands is consumed. */
static int bi_read(int argc, char **argv)
{
    int raw = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-r") == 0)
            raw = 1;
        else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            fputs(argv[++i], stderr);
            fflush(stderr);
        }
    }
    struct sbuf line = {0};
    int got = 0;
    char c;
    ssize_t r;
    while ((r = read(0, &c, 1)) == 1) {
        got = 1;
        if (c == '\n')
            break;
        if (c == '\\' && !raw) {
            if (read(0, &c, 1) != 1)
                break;
            if (c == '\n')
                continue;
        }
        sb_addc(&line, c);
    }
    const char *ifs = var_get("IFS");
    if (!ifs)
        ifs = " \t\n";
    char *p = line.s ? line.s : "";
    for (; i < argc; i++) {
        while (*p && strchr(ifs, *p))
            p++;
        char *start = p;
        if (i == argc - 1) {
            char *end = start + strlen(start);
            while (end > start && strchr(ifs, end[-1]))
                end--;
            *end = 0;
            p = end;
        } else {
            while (*p && !strchr(ifs, *p))
                p++;
            if (*p)
                *p++ = 0;
        }
        var_set(argv[i], start);
    }
    sb_free(&line);
    return got && r >= 0 ? 0 : 1;
}

static int bi_break(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    if (n < 1)
        n = 1;
    if (loop_depth == 0)
        return 0;
    if (n > loop_depth)
        n = loop_depth;
    if (argv[0][0] == 'b')
        break_count = n;
    else
        continue_count = n;
    return 0;
}

static int bi_umask(int argc, char **argv)
{
    if (argc == 1) {
        mode_t m = umask(0);
        umask(m);
        printf("%04o\n", (unsigned)m);
        return 0;
    }
    umask((mode_t)strtol(argv[1], NULL, 8));
    return 0;
}

static int bi_type(int argc, char **argv)
{
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (builtin_lookup(argv[i])) {
            printf("%s is a shell builtin\n", argv[i]);
            continue;
        }
        const char *path = var_get("PATH");
        int found = 0;
        for (const char *p = path ? path : ""; !found && *p;) {
            size_t dl = strcspn(p, ":");
            char *full = xmalloc(dl + strlen(argv[i]) + 2);
            sprintf(full, "%.*s/%s", (int)dl, p, argv[i]);
            if (access(full, X_OK) == 0) {
                printf("%s is %s\n", argv[i], full);
                found = 1;
            }
            free(full);
            p += dl + (p[dl] == ':');
        }
        if (!found) {
            sh_error("type: %s: not found", argv[i]);
            st = 1;
        }
    }
    return st;
}

static const struct {
    const char *name;
    builtin_fn fn;
} builtins[] = {
    {":", bi_true},       {".", bi_source},     {"bg", bi_bg},       {"break", bi_break},
    {"cd", bi_cd},        {"continue", bi_break}, {"eval", bi_eval},   {"exec", bi_true},
    {"exit", bi_exit},    {"export", bi_export}, {"false", bi_false}, {"fg", bi_fg},
    {"jobs", bi_jobs},    {"kill", bi_kill},     {"pwd", bi_pwd},     {"read", bi_read},
    {"set", bi_set},      {"shift", bi_shift},   {"source", bi_source}, {"true", bi_true},
    {"type", bi_type},    {"umask", bi_umask},   {"unset", bi_unset}, {"wait", bi_wait},
};

builtin_fn builtin_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return builtins[i].fn;
    return NULL;
}
