/* box: the multi-call binary. Run as a tool's name (a symlink /bin/ls -> box) or as
 * "box TOOL args"; "box" alone lists the tools. */
#include "box.h"

#include <libgen.h>
#include <stdio.h>
#include <string.h>

const char *prog = "box";

static const struct {
    const char *name;
    int (*fn)(int, char **);
} tools[] = {
    {"[", tool_test},         {"basename", tool_basename}, {"cat", tool_cat},
    {"chmod", tool_chmod},    {"clear", tool_clear},       {"cp", tool_cp},
    {"date", tool_date},      {"dirname", tool_dirname},   {"echo", tool_echo},
    {"env", tool_env},        {"false", tool_false},       {"free", tool_free},
    {"grep", tool_grep},      {"head", tool_head},         {"kill", tool_kill},
    {"ln", tool_ln},          {"ls", tool_ls},             {"mkdir", tool_mkdir},
    {"mv", tool_mv},          {"poweroff", tool_poweroff}, {"ps", tool_ps},
    {"pwd", tool_pwd},        {"reboot", tool_reboot},     {"rm", tool_rm},
    {"rmdir", tool_rmdir},    {"seq", tool_seq},           {"sleep", tool_sleep},
    {"stat", tool_stat},      {"sync", tool_sync},         {"tail", tool_tail},
    {"tee", tool_tee},        {"test", tool_test},         {"touch", tool_touch},
    {"true", tool_true},      {"uname", tool_uname},       {"uptime", tool_uptime},
    {"wc", tool_wc},          {"yes", tool_yes},
    {"dd", tool_dd},          {"mount", tool_mount},       {"umount", tool_umount},
    {"df", tool_df},
};

static int list_tools(void)
{
    printf("usage: box TOOL [ARGS...], or call box by a tool's name. Tools:\n");
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
        printf("%s%s", tools[i].name, i + 1 < sizeof tools / sizeof tools[0] ? " " : "\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *name = argc > 0 ? basename(argv[0]) : "box";
    if (strcmp(name, "box") == 0) {
        if (argc < 2 || strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--help") == 0)
            return list_tools();
        argv++;
        argc--;
        name = argv[0];
    }
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        if (strcmp(tools[i].name, name) == 0) {
            prog = tools[i].name;
            int st = tools[i].fn(argc, argv);
            if (fflush(stdout) != 0 && st == 0)
                st = 1;
            return st;
        }
    }
    fprintf(stderr, "box: %s: no such tool\n", name);
    return 127;
}
