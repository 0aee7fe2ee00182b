/* sh: shared declarations of the shell (parser, expander, executor, jobs, variables).
 * The flow is: read lines -> parse into a tree (parse.c) -> run the tree (exec.c). */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <sys/types.h>

/* ---- util.c ---- */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dup_high(int fd);

/* A growable string; used for input lines, expansion results and output capture. */
struct sbuf {
    char *s;
    size_t len, cap;
};
void sb_addc(struct sbuf *b, char c);
void sb_addn(struct sbuf *b, const char *s, size_t n);
void sb_adds(struct sbuf *b, const char *s);
void sb_free(struct sbuf *b);

/* A NULL-terminated growable array of strings (argv lists). */
struct strv {
    char **v;
    int n, cap;
};
void sv_add(struct strv *a, char *s);
void sv_free(struct strv *a);

/* Parse trees live in an arena so one call frees a whole command line. */
struct arena;
struct arena *arena_new(void);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* ---- parse.c ---- */
enum node_type {
    N_SIMPLE,   /* words, assignments, redirections */
    N_PIPE,     /* cmds[0] | cmds[1] ... (also wraps a single command) */
    N_AND,      /* left && right */
    N_OR,       /* left || right */
    N_SEQ,      /* left ; right */
    N_BG,       /* left & */
    N_IF,       /* if cond then body else alt */
    N_WHILE,    /* while cond do body */
    N_UNTIL,    /* until cond do body */
    N_FOR,      /* for var in words do body */
    N_SUBSHELL, /* ( body ) */
    N_GROUP,    /* { body } */
};

enum redir_type { R_IN, R_OUT, R_APPEND, R_INOUT, R_DUPIN, R_DUPOUT, R_HEREDOC };

struct redir {
    enum redir_type type;
    int fd;             /* the descriptor being redirected */
    char *word;         /* file name, fd number/"-" for dups, body for here-documents */
    int expand_body;    /* here-document: delimiter was unquoted, so $ expands */
    struct redir *next;
};

struct node {
    enum node_type type;
    /* N_SIMPLE */
    char **words;       /* raw (unexpanded) words, NULL-terminated */
    char **assigns;     /* raw NAME=value words, NULL-terminated */
    struct redir *redirs;   /* also used by compound commands */
    /* N_PIPE */
    struct node **cmds;
    int ncmds;
    int negate;         /* leading '!' */
    char *text;         /* source text, shown by jobs */
    /* binary nodes, if/while/for */
    struct node *left, *right, *alt;
    char *var;          /* N_FOR: loop variable */
    char **list;        /* N_FOR: raw words after "in"; NULL means "$@" */
};

enum parse_result { PARSE_OK, PARSE_EMPTY, PARSE_INCOMPLETE, PARSE_ERROR };
/* Parses all of src. PARSE_INCOMPLETE means more lines are needed (open quote, if without fi,
 * trailing |, ...). On PARSE_ERROR a message has been printed. */
enum parse_result parse_program(const char *src, struct arena *a, struct node **out);
size_t scan_close(const char *s, size_t i, char kind);

/* ---- expand.c ---- */
/* Expands a raw word into fields (parameter/command substitution, splitting, globbing). */
void expand_word(const char *raw, struct strv *out);
/* Expands without field splitting or globbing (assignments, redirection targets, case). */
char *expand_nosplit(const char *raw);
/* Expands $-forms in a here-document body; quotes are literal there. */
char *expand_heredoc(const char *body);
int is_name(const char *s, size_t n);
extern int cmdsub_status;   /* status of the last command substitution, -1 if none */

/* ---- exec.c ---- */
int run_node(struct node *n);
int run_string(const char *src);                /* parse and run text (-c, $(...)) */
int run_fd(int fd, int toplevel);               /* read, parse and run until EOF */
void exec_external(char **argv, char **assigns) __attribute__((noreturn));
void child_reset_signals(void);
extern int last_status;
extern int loop_depth, break_count, continue_count;
extern volatile int interrupted;   /* SIGINT at the prompt, or a foreground job died of it */
extern int opt_errexit, opt_xtrace, errexit_off;
extern int stopped_warned;

/* ---- jobs.c ---- */
enum proc_state { P_RUNNING, P_STOPPED, P_DONE };
struct proc {
    pid_t pid;
    int status;         /* wait status when P_DONE or P_STOPPED */
    enum proc_state state;
};
struct job {
    int id;             /* 1-based, as in "[1]" */
    pid_t pgid;
    struct proc *procs;
    int nprocs;
    char *text;
    int background;
    unsigned long seq;  /* bigger = more recently started/stopped: picks '+' and '-' */
};
void jobs_init(int interactive);
struct job *job_new(const char *text, int background);
void job_add_proc(struct job *j, pid_t pid);
int job_wait_fg(struct job *j, int cont);       /* give it the terminal, (continue,) wait */
void job_background_started(struct job *j);
void jobs_reap(void);                           /* non-blocking waitpid for all children */
void jobs_notify(void);                         /* print and forget finished jobs */
struct job *job_find(const char *spec, const char *who);
int job_state(struct job *j);                   /* P_RUNNING, P_STOPPED or P_DONE */
int job_status(struct job *j);                  /* $?-style status of the last process */
void job_remove(struct job *j);
void job_print(struct job *j, int full);
int jobs_stopped_count(void);
void jobs_hangup_all(void);
int jobs_wait_all(void);
int job_wait_pid(pid_t pid);
struct job **jobs_list(int *n);
int status_to_code(int wstatus);
extern int job_control;     /* interactive: process groups and the terminal are managed */
extern int tty_fd;          /* the controlling terminal, kept open by the shell (-1 if none) */
extern pid_t shell_pgid;

/* ---- vars.c ---- */
const char *var_get(const char *name);
void var_set(const char *name, const char *value);
void var_export(const char *name);
int var_unset(const char *name);
void var_print(int exported_only);
char **var_environ(char **assigns);             /* exported variables plus NAME=value words */
void vars_init(char **envp);
/* Positional parameters $0, $1... */
extern char *arg0;
extern char **pos_args;
extern int pos_count;
void set_positional(char **args, int n);
extern pid_t shell_pid, last_bg_pid;
extern int interactive;
extern const char *shell_path;  /* how to start this shell again (scripts without #!) */

/* ---- builtins.c ---- */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_lookup(const char *name);
void shell_exit(int code) __attribute__((noreturn));

#endif
