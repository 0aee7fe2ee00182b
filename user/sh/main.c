/* sh: entry point and the read-parse-run loop for a terminal, a script file or -c text.
 * Usage: sh [-i] [-c command [name [args...]] | script [args...]] */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads lines. Standard input is read a byte at a time: the commands we start share that
 * descriptor, and must find their input where the shell stopped reading. */
struct reader {
    int fd;
    int bytewise;
    char buf[4096];
    size_t pos, len;
};

static int reader_getc(struct reader *r, char *c)
{
    if (r->bytewise) {
        for (;;) {
            ssize_t n = read(r->fd, c, 1);
            if (n == 1)
                return 1;
            if (n < 0 && errno == EINTR && !interrupted)
                continue;
            return n < 0 && errno == EINTR ? -1 : 0;
        }
    }
    if (r->pos == r->len) {
        ssize_t n;
        do
            n = read(r->fd, r->buf, sizeof r->buf);
        while (n < 0 && errno == EINTR && !interrupted);
        if (n < 0 && errno == EINTR)
            return -1;
        if (n <= 0)
            return 0;
        r->pos = 0;
        r->len = n;
    }
    *c = r->buf[r->pos++];
    return 1;
}

/* Appends one line (with its newline) to text. 1: got one, 0: end of input, -1: ^C. */
static int read_line(struct reader *r, struct sbuf *text)
{
    int got = 0;
    char c;
    for (;;) {
        int k = reader_getc(r, &c);
        if (k < 0)
            return -1;
        if (k == 0)
            return got;
        got = 1;
        if (c == 0)
            continue;   /* NUL bytes cannot be in C strings; drop them */
        sb_addc(text, c);
        if (c == '\n')
            return 1;
    }
}

static void prompt(const char *var, const char *dflt)
{
    const char *p = var_get(var);
    if (!p)
        p = dflt;
    write(2, p, strlen(p));
}

/* Parses one complete command (reading more lines while it is incomplete) and runs it.
 * Returns 0 at end of input. */
static int run_one(struct reader *r, int prompting)
{
    struct sbuf text = {0};
    int got = read_line(r, &text);
    while (got > 0) {
        struct arena *a = arena_new();
        struct node *tree;
        enum parse_result res = parse_program(text.s, a, &tree);
        if (res == PARSE_INCOMPLETE) {
            arena_free(a);
            if (prompting)
                prompt("PS2", "> ");
            got = read_line(r, &text);
            if (got == 0) {
                sh_error("syntax error: unexpected end of file");
                last_status = 2;
                if (!interactive)
                    shell_exit(2);
            }
            continue;
        }
        if (res == PARSE_ERROR) {
            last_status = 2;
            if (!interactive)
                shell_exit(2);
        } else if (res == PARSE_OK) {
            interrupted = 0;
            run_node(tree);
        }
        arena_free(a);
        break;
    }
    if (got < 0) {
        /* ^C while typing: throw the line away and prompt again. */
        write(2, "\n", 1);
        interrupted = 0;
        last_status = 130;
        got = 1;
    }
    sb_free(&text);
    return got;
}

int run_fd(int fd, int toplevel)
{
    struct reader *r = xmalloc(sizeof *r);
    r->fd = fd;
    r->bytewise = fd == 0;
    r->pos = r->len = 0;
    int prompting = toplevel && interactive;
    for (;;) {
        if (prompting) {
            jobs_reap();
            jobs_notify();
            prompt("PS1", geteuid() == 0 ? "# " : "$ ");
        }
        if (!run_one(r, prompting))
            break;
        if (stopped_warned)
            stopped_warned--;
        if (interrupted && !prompting)
            break;  /* a script whose foreground job died of ^C stops too */
    }
    free(r);
    return last_status;
}

static void usage(void)
{
    fprintf(stderr, "usage: sh [-i] [-c command [name [args...]] | script [args...]]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *command = NULL;
    int force_interactive = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "-c") == 0) {
            if (++i >= argc)
                usage();
            command = argv[i];
        } else if (strcmp(argv[i], "-i") == 0)
            force_interactive = 1;
        else if (strcmp(argv[i], "-s") != 0)
            usage();
    }
    shell_pid = getpid();
    if (strchr(argv[0], '/'))
        shell_path = argv[0];
    vars_init(environ);
    arg0 = argv[0];

    if (command) {
        if (i < argc)
            arg0 = argv[i++];
        set_positional(argv + i, argc - i);
        shell_exit(run_string(command));
    }
    if (i < argc) {
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            sh_error("%s: %s", argv[i], strerror(errno));
            return 127;
        }
        /* Keep the script's descriptor out of the way of redirections like 3>file. */
        int high = dup_high(fd);
        if (high >= 0) {
            close(fd);
            fd = high;
        }
        arg0 = argv[i];
        set_positional(argv + i + 1, argc - i - 1);
        shell_exit(run_fd(fd, 1));
    }
    set_positional(argv + i, argc - i);
    interactive = force_interactive || isatty(0);
    jobs_init(interactive);
    int st = run_fd(0, 1);
    if (interactive && jobs_stopped_count())
        fprintf(stderr, "sh: stopped jobs are hung up\n");
    shell_exit(st);
}
