/* sh: running parse trees: lists, and-or, loops, pipelines (one process each, joined by
 * pipes, one process group per job), redirections and the execve/PATH search. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int last_status;
int loop_depth, break_count, continue_count;
volatile int interrupted;
int opt_errexit, opt_xtrace, errexit_off;

/* Stop running a list: break/continue pending, or Ctrl-C. */
static int pending(void)
{
    return break_count || continue_count || interrupted;
}

/* ---------- redirections ---------- */

struct saved_fd {
    int fd, copy;   /* copy is -1 when fd was closed before */
};

struct redir_save {
    struct saved_fd fds[32];
    int n;
};

static void save_fd(struct redir_save *s, int fd)
{
    if (!s || s->n == 32)
        return;
    for (int i = 0; i < s->n; i++)
        if (s->fds[i].fd == fd)
            return;
    s->fds[s->n].fd = fd;
    s->fds[s->n].copy = dup_high(fd);
    s->n++;
}

static void restore_fds(struct redir_save *s)
{
    fflush(stdout);
    fflush(stderr);
    for (int i = s->n - 1; i >= 0; i--) {
        if (s->fds[i].copy >= 0) {
            dup2(s->fds[i].copy, s->fds[i].fd);
            close(s->fds[i].copy);
        } else
            close(s->fds[i].fd);
    }
    s->n = 0;
}

/* A here-document becomes the read end of a pipe; a writer process fills big ones. */
static int heredoc_fd(struct redir *r)
{
    char *body = r->expand_body ? expand_heredoc(r->word) : xstrdup(r->word);
    int fds[2];
    if (pipe(fds) < 0) {
        free(body);
        return -1;
    }
    size_t len = strlen(body);
    if (len <= 512) {
        write(fds[1], body, len);   /* fits in any pipe buffer */
    } else {
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            for (size_t off = 0; off < len;) {
                ssize_t w = write(fds[1], body + off, len - off);
                if (w <= 0)
                    _exit(1);
                off += w;
            }
            _exit(0);
        }
    }
    close(fds[1]);
    free(body);
    return fds[0];
}

static int open_redir(struct redir *r, const char *target)
{
    switch (r->type) {
    case R_IN: return open(target, O_RDONLY);
    case R_OUT: return open(target, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    case R_APPEND: return open(target, O_WRONLY | O_CREAT | O_APPEND, 0666);
    case R_INOUT: return open(target, O_RDWR | O_CREAT, 0666);
    default: return heredoc_fd(r);
    }
}

/* Applies redirections in order. With save, the old descriptors are kept for restore_fds. */
static int apply_redirs(struct redir *r, struct redir_save *save)
{
    for (; r; r = r->next) {
        fflush(stdout);
        char *target = r->type == R_HEREDOC ? NULL : expand_nosplit(r->word);
        save_fd(save, r->fd);
        if (r->type == R_DUPIN || r->type == R_DUPOUT) {
            char *end;
            long src = strtol(target, &end, 10);
            if (strcmp(target, "-") == 0)
                close(r->fd);
            else if (!*target || *end || fcntl((int)src, F_GETFD) < 0) {
                sh_error("%s: Bad file descriptor", target);
                free(target);
                return -1;
            } else if (src != r->fd)
                dup2((int)src, r->fd);
            free(target);
            continue;
        }
        int fd = open_redir(r, target);
        if (fd < 0) {
            sh_error("%s: %s", target ? target : "here-document", strerror(errno));
            free(target);
            return -1;
        }
        if (fd != r->fd) {
            dup2(fd, r->fd);
            close(fd);
        }
        free(target);
    }
    return 0;
}

/* ---------- running programs ---------- */

void child_reset_signals(void)
{
    static const int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
}

static void try_exec(const char *path, char **argv, char **env)
{
    execve(path, argv, env);
    if (errno == ENOEXEC) {
        /* No #! line: it is a script for this shell. */
        int n = 0;
        while (argv[n])
            n++;
        char **nargv = xmalloc((n + 2) * sizeof *nargv);
        nargv[0] = (char *)shell_path;
        nargv[1] = (char *)path;
        for (int i = 1; i <= n; i++)
            nargv[i + 1] = argv[i];
        execve(shell_path, nargv, env);
        errno = ENOEXEC;
    }
}

void exec_external(char **argv, char **assigns)
{
    char **env = var_environ(assigns);
    int err = ENOENT;
    if (strchr(argv[0], '/')) {
        try_exec(argv[0], argv, env);
        err = errno;
    } else {
        const char *path = var_get("PATH");
        if (!path)
            path = "/bin:/sbin";
        int saw_eacces = 0;
        for (const char *p = path;; p++) {
            const char *colon = strchrnul(p, ':');
            size_t dl = colon - p;
            char *full = xmalloc(dl + strlen(argv[0]) + 3);
            sprintf(full, "%.*s%s%s", (int)dl, p, dl ? "/" : "./", argv[0]);
            try_exec(full, argv, env);
            free(full);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR) {
                err = errno;
                break;
            }
            if (!*colon)
                break;
            p = colon;
        }
        if (saw_eacces && err == ENOENT)
            err = EACCES;
    }
    if (err == ENOENT && !strchr(argv[0], '/'))
        sh_error("%s: command not found", argv[0]);
    else
        sh_error("%s: %s", argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

/* Expands the words of a simple command; prints them with set -x. */
static void expand_command(struct node *c, struct strv *argv, struct strv *assigns)
{
    for (char **a = c->assigns; *a; a++)
        sv_add(assigns, expand_nosplit(*a));
    for (char **w = c->words; *w; w++)
        expand_word(*w, argv);
    if (opt_xtrace) {
        struct sbuf b = {0};
        sb_adds(&b, "+");
        for (int i = 0; i < assigns->n; i++)
            sb_adds(&b, " "), sb_adds(&b, assigns->v[i]);
        for (int i = 0; i < argv->n; i++)
            sb_adds(&b, " "), sb_adds(&b, argv->v[i]);
        sb_addc(&b, '\n');
        write(2, b.s, b.len);
        sb_free(&b);
    }
}

static void set_assignments(struct strv *assigns)
{
    for (int i = 0; i < assigns->n; i++) {
        char *eq = strchr(assigns->v[i], '=');
        *eq = 0;
        var_set(assigns->v[i], eq + 1);
        *eq = '=';
    }
}

/* In a forked child: run one pipeline element and exit. */
static void run_in_child(struct node *c) __attribute__((noreturn));
static void run_in_child(struct node *c)
{
    int st = 0;
    if (c->type == N_SIMPLE) {
        struct strv argv = {0}, assigns = {0};
        cmdsub_status = -1;
        expand_command(c, &argv, &assigns);
        if (apply_redirs(c->redirs, NULL) < 0)
            _exit(1);
        if (argv.n == 0) {
            set_assignments(&assigns);
            _exit(cmdsub_status >= 0 ? cmdsub_status : 0);
        }
        builtin_fn b = builtin_lookup(argv.v[0]);
        if (!b)
            exec_external(argv.v, assigns.v);
        if (strcmp(argv.v[0], "exec") == 0 && argv.n > 1)
            exec_external(argv.v + 1, assigns.v);
        set_assignments(&assigns);
        st = b(argv.n, argv.v);
    } else {
        if (apply_redirs(c->redirs, NULL) < 0)
            _exit(1);
        st = run_node(c->type == N_SUBSHELL || c->type == N_GROUP ? c->left : c);
    }
    fflush(stdout);
    fflush(stderr);
    _exit(st);
}

/* In a new child: join the job's process group and, in the foreground, take the terminal.
 * Done before resetting SIGTTOU so tcsetpgrp works from a background group. */
static void child_setup(struct job *j, int foreground)
{
    if (job_control) {
        pid_t pg = j->pgid ? j->pgid : getpid();
        setpgid(0, pg);
        if (foreground && tty_fd >= 0)
            tcsetpgrp(tty_fd, pg);
    }
    child_reset_signals();
    if (tty_fd > 2)
        close(tty_fd);
    tty_fd = -1;
    interactive = 0;
}

static pid_t fork_for_job(struct job *j, int foreground)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        sh_error("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int had_job_control = job_control;
        child_setup(j, foreground);
        job_control = 0;
        /* Without job control a background job must not read the terminal. */
        if (!foreground && !had_job_control) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd >= 0 && fd != 0) {
                dup2(fd, 0);
                close(fd);
            }
        }
        return 0;
    }
    if (job_control) {
        if (!j->pgid)
            j->pgid = pid;
        setpgid(pid, j->pgid);
    }
    job_add_proc(j, pid);
    return pid;
}

static int finish_job(struct job *j, int background, pid_t last)
{
    if (background) {
        last_bg_pid = last;
        job_background_started(j);
        return 0;
    }
    return job_wait_fg(j, 0);
}

/* A pipeline with every element in its own process. */
static int run_job(struct node *n, int background)
{
    struct job *j = job_new(n->text, background);
    int in = -1;
    pid_t pid = -1;
    for (int k = 0; k < n->ncmds; k++) {
        int pfd[2] = {-1, -1};
        if (k + 1 < n->ncmds && pipe(pfd) < 0) {
            sh_error("pipe: %s", strerror(errno));
            break;
        }
        pid = fork_for_job(j, !background);
        if (pid == 0) {
            if (in >= 0) {
                dup2(in, 0);
                close(in);
            }
            if (pfd[1] >= 0) {
                close(pfd[0]);
                dup2(pfd[1], 1);
                close(pfd[1]);
            }
            run_in_child(n->cmds[k]);
        }
        if (in >= 0)
            close(in);
        if (pfd[1] >= 0)
            close(pfd[1]);
        in = pfd[0];
        if (pid < 0)
            break;
    }
    if (in >= 0)
        close(in);
    if (j->nprocs == 0) {
        job_remove(j);
        return 1;
    }
    return finish_job(j, background, pid);
}

/* Prefix assignments of a built-in last only while it runs. */
struct saved_var {
    char *name, *value;
};

static struct saved_var *push_assignments(struct strv *assigns)
{
    struct saved_var *saved = xmalloc((assigns->n + 1) * sizeof *saved);
    for (int i = 0; i < assigns->n; i++) {
        char *eq = strchr(assigns->v[i], '=');
        saved[i].name = xstrndup(assigns->v[i], eq - assigns->v[i]);
        const char *old = var_get(saved[i].name);
        saved[i].value = old ? xstrdup(old) : NULL;
        var_set(saved[i].name, eq + 1);
    }
    return saved;
}

static void pop_assignments(struct saved_var *saved, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (saved[i].value)
            var_set(saved[i].name, saved[i].value);
        else
            var_unset(saved[i].name);
        free(saved[i].name);
        free(saved[i].value);
    }
    free(saved);
}

static int run_builtin_here(builtin_fn b, struct node *c, struct strv *argv, struct strv *assigns)
{
    struct redir_save save = {0};
    int st = 1;
    if (strcmp(argv->v[0], "exec") == 0) {
        /* exec: redirections stay; with a command, the shell is replaced. */
        if (apply_redirs(c->redirs, NULL) < 0)
            return 1;
        if (argv->n > 1) {
            if (job_control && tty_fd >= 0)
                tcsetpgrp(tty_fd, getpgrp());
            child_reset_signals();
            exec_external(argv->v + 1, assigns->v);
        }
        set_assignments(assigns);
        return 0;
    }
    if (apply_redirs(c->redirs, &save) == 0) {
        struct saved_var *sv = push_assignments(assigns);
        st = b(argv->n, argv->v);
        pop_assignments(sv, assigns->n);
    }
    restore_fds(&save);
    return st;
}

/* A single simple command in the shell's own process unless it is external. */
static int run_simple(struct node *c, const char *text)
{
    struct strv argv = {0}, assigns = {0};
    int st;
    cmdsub_status = -1;
    expand_command(c, &argv, &assigns);
    builtin_fn b = argv.n ? builtin_lookup(argv.v[0]) : NULL;
    if (argv.n == 0) {
        struct redir_save save = {0};
        st = apply_redirs(c->redirs, &save) < 0 ? 1 : (cmdsub_status >= 0 ? cmdsub_status : 0);
        restore_fds(&save);
        set_assignments(&assigns);
    } else if (b) {
        st = run_builtin_here(b, c, &argv, &assigns);
    } else {
        struct job *j = job_new(text, 0);
        pid_t pid = fork_for_job(j, 1);
        if (pid == 0) {
            if (apply_redirs(c->redirs, NULL) < 0)
                _exit(1);
            exec_external(argv.v, assigns.v);
        }
        if (pid < 0) {
            job_remove(j);
            st = 1;
        } else
            st = finish_job(j, 0, pid);
    }
    sv_free(&argv);
    sv_free(&assigns);
    return st;
}

static int run_pipe_node(struct node *n, int background)
{
    struct node *c = n->cmds[0];
    int st;
    if (n->negate)
        errexit_off++;
    if (n->ncmds > 1 || background || c->type == N_SUBSHELL)
        st = run_job(n, background);
    else if (c->type == N_SIMPLE)
        st = run_simple(c, n->text);
    else {
        struct redir_save save = {0};
        st = apply_redirs(c->redirs, &save) < 0 ? 1 : run_node(c->type == N_GROUP ? c->left : c);
        restore_fds(&save);
    }
    if (n->negate) {
        errexit_off--;
        st = !st;
    }
    if (opt_errexit && !errexit_off && st != 0 && !background) {
        last_status = st;
        shell_exit(st);
    }
    return st;
}

/* cmd & : a pipeline is the job itself; anything else runs in a forked subshell. */
static int run_background(struct node *n)
{
    struct node *inner = n->left;
    if (inner->type == N_PIPE)
        return run_pipe_node(inner, 1);
    struct job *j = job_new(n->text ? n->text : "(list)", 1);
    pid_t pid = fork_for_job(j, 0);
    if (pid == 0) {
        int st = run_node(inner);
        fflush(stdout);
        _exit(st);
    }
    if (pid < 0) {
        job_remove(j);
        return 1;
    }
    return finish_job(j, 1, pid);
}

/* After one pass of a loop body: returns 1 when the loop must end. */
static int loop_should_end(void)
{
    if (break_count) {
        break_count--;
        return 1;
    }
    if (continue_count) {
        continue_count--;
        return continue_count > 0;  /* "continue 2" ends this loop and continues the outer */
    }
    return interrupted;
}

static int run_loop(struct node *n)
{
    int st = 0;
    loop_depth++;
    for (;;) {
        errexit_off++;
        int c = run_node(n->left);
        errexit_off--;
        if (pending() && loop_should_end())
            break;
        if ((c == 0) != (n->type == N_WHILE))
            break;
        st = run_node(n->right);
        if (pending() && loop_should_end())
            break;
    }
    loop_depth--;
    return st;
}

static int run_for(struct node *n)
{
    struct strv items = {0};
    if (n->list)
        for (char **w = n->list; *w; w++)
            expand_word(*w, &items);
    else
        for (int i = 0; i < pos_count; i++)
            sv_add(&items, xstrdup(pos_args[i]));
    int st = 0;
    loop_depth++;
    for (int i = 0; i < items.n; i++) {
        var_set(n->var, items.v[i]);
        st = run_node(n->right);
        if (pending() && loop_should_end())
            break;
    }
    loop_depth--;
    sv_free(&items);
    return st;
}

static int run_if(struct node *n)
{
    errexit_off++;
    int c = run_node(n->left);
    errexit_off--;
    if (pending())
        return c;
    if (c == 0)
        return run_node(n->right);
    return n->alt ? run_node(n->alt) : 0;
}

int run_node(struct node *n)
{
    int st = 0;
    if (!n)
        return last_status;
    switch (n->type) {
    case N_PIPE:
        st = run_pipe_node(n, 0);
        break;
    case N_SEQ:
        run_node(n->left);
        st = pending() ? last_status : run_node(n->right);
        break;
    case N_AND:
    case N_OR:
        errexit_off++;
        st = run_node(n->left);
        errexit_off--;
        if (!pending() && (st == 0) == (n->type == N_AND))
            st = run_node(n->right);
        break;
    case N_BG:
        st = run_background(n);
        break;
    case N_IF:
        st = run_if(n);
        break;
    case N_WHILE:
    case N_UNTIL:
        st = run_loop(n);
        break;
    case N_FOR:
        st = run_for(n);
        break;
    case N_SUBSHELL:
    case N_GROUP:
    case N_SIMPLE:
        /* Only reached inside pipelines, which handle them; keep going anyway. */
        st = run_node(n->left);
        break;
    }
    last_status = st;
    return st;
}

int run_string(const char *src)
{
    struct arena *a = arena_new();
    struct node *tree;
    enum parse_result r = parse_program(src, a, &tree);
    int st = last_status;
    if (r == PARSE_INCOMPLETE) {
        sh_error("syntax error: unexpected end of file");
        st = 2;
    } else if (r == PARSE_ERROR)
        st = 2;
    else if (r == PARSE_OK)
        st = run_node(tree);
    arena_free(a);
    last_status = st;
    return st;
}
