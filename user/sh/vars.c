/* sh: shell variables (exported or not), the environment given to commands, and the
 * positional parameters. */
#include "sh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct var {
    char *name;
    char *value;
    int exported;
    struct var *next;
};

static struct var *vars;

char *arg0 = "sh";
char **pos_args;
int pos_count;
pid_t shell_pid, last_bg_pid;
int interactive;
const char *shell_path = "/bin/sh";

static struct var *find(const char *name)
{
    for (struct var *v = vars; v; v = v->next)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

const char *var_get(const char *name)
{
    struct var *v = find(name);
    return v ? v->value : NULL;
}

static struct var *create(const char *name)
{
    struct var *v = find(name);
    if (!v) {
        v = xmalloc(sizeof *v);
        v->name = xstrdup(name);
        v->value = NULL;
        v->exported = 0;
        v->next = vars;
        vars = v;
    }
    return v;
}

void var_set(const char *name, const char *value)
{
    struct var *v = create(name);
    char *copy = xstrdup(value);   /* value may point into the old one */
    free(v->value);
    v->value = copy;
}

/* Exporting an unset name remembers the flag; it reaches the environment once set. */
void var_export(const char *name)
{
    create(name)->exported = 1;
}

int var_unset(const char *name)
{
    for (struct var **pp = &vars; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->name, name) == 0) {
            struct var *v = *pp;
            *pp = v->next;
            free(v->name);
            free(v->value);
            free(v);
            return 0;
        }
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints variables sorted by name in a form the shell can read back. */
void var_print(int exported_only)
{
    struct strv lines = {0};
    for (struct var *v = vars; v; v = v->next) {
        if (exported_only && !v->exported)
            continue;
        if (!v->value) {
            if (exported_only) {
                char *s = xmalloc(strlen(v->name) + 8);
                sprintf(s, "export %s", v->name);
                sv_add(&lines, s);
            }
            continue;
        }
        struct sbuf b = {0};
        if (exported_only)
            sb_adds(&b, "export ");
        sb_adds(&b, v->name);
        sb_adds(&b, "='");
        for (const char *p = v->value; *p; p++) {
            if (*p == '\'')
                sb_adds(&b, "'\\''");
            else
                sb_addc(&b, *p);
        }
        sb_addc(&b, '\'');
        sv_add(&lines, b.s);
    }
    if (lines.n)
        qsort(lines.v, lines.n, sizeof *lines.v, cmp_str);
    for (int i = 0; i < lines.n; i++)
        printf("%s\n", lines.v[i]);
    fflush(stdout);
    sv_free(&lines);
}

/* The environment for a command: exported variables, overridden by its NAME=value prefixes. */
char **var_environ(char **assigns)
{
    struct strv env = {0};
    for (struct var *v = vars; v; v = v->next) {
        if (!v->exported || !v->value)
            continue;
        int overridden = 0;
        size_t nl = strlen(v->name);
        for (char **a = assigns; a && *a; a++)
            if (strncmp(*a, v->name, nl) == 0 && (*a)[nl] == '=')
                overridden = 1;
        if (overridden)
            continue;
        char *s = xmalloc(nl + strlen(v->value) + 2);
        sprintf(s, "%s=%s", v->name, v->value);
        sv_add(&env, s);
    }
    for (char **a = assigns; a && *a; a++)
        sv_add(&env, xstrdup(*a));
    if (!env.v)
        sv_add(&env, NULL);
    return env.v;
}

void vars_init(char **envp)
{
    for (char **e = envp; e && *e; e++) {
        char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        char *name = xstrndup(*e, eq - *e);
        if (is_name(name, strlen(name))) {
            var_set(name, eq + 1);
            var_export(name);
        }
        free(name);
    }
    if (!var_get("PATH")) {
        var_set("PATH", "/bin:/sbin");
        var_export("PATH");
    }
    var_set("IFS", " \t\n");
}

void set_positional(char **args, int n)
{
    /* args may point into the current list (shift), so copy before freeing. */
    char **list = xmalloc((n + 1) * sizeof *list);
    for (int i = 0; i < n; i++)
        list[i] = xstrdup(args[i]);
    list[n] = NULL;
    for (int i = 0; i < pos_count; i++)
        free(pos_args[i]);
    free(pos_args);
    pos_args = list;
    pos_count = n;
}
