/* box's disk tools: dd (if= of= bs= count= skip= seek= conv=notrunc), mount, umount, df. */
#include "box.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/statfs.h>

/* A size: digits with an optional k/K, M, G suffix (powers of 1024) or c/w/b as dd's. */
static int dd_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    switch (*end) {
    case 0: case 'c': break;
    case 'w': v *= 2; break;
    case 'b': v *= 512; break;
    case 'k': case 'K': v <<= 10; break;
    case 'M': v <<= 20; break;
    case 'G': v <<= 30; break;
    default: return -1;
    }
    if (*end && end[1])
        return -1;
    *out = v;
    return 0;
}

TOOL(dd)
{
    const char *in = NULL, *outp = NULL;
    unsigned long long bs = 512, count = ~0ULL, skip = 0, seek = 0, full = 0, part = 0, bytes = 0;
    int notrunc = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i], *eq = strchr(a, '=');
        unsigned long long *num = NULL;
        if (!eq) {
            warn_msg("bad operand '%s'", a);
            return 1;
        }
        *eq++ = 0;
        if (!strcmp(a, "if")) in = eq;
        else if (!strcmp(a, "of")) outp = eq;
        else if (!strcmp(a, "conv") && !strcmp(eq, "notrunc")) notrunc = 1;
        else if (!strcmp(a, "bs")) num = &bs;
        else if (!strcmp(a, "count")) num = &count;
        else if (!strcmp(a, "skip")) num = &skip;
        else if (!strcmp(a, "seek")) num = &seek;
        else {
            warn_msg("unsupported operand '%s=%s'", a, eq);
            return 1;
        }
        if (num && (dd_size(eq, num) || (num == &bs && (bs == 0 || bs > (64u << 20))))) {
            warn_msg("invalid number '%s'", eq);
            return 1;
        }
    }
    int ifd = in ? open(in, O_RDONLY) : 0;
    if (ifd < 0) {
        warn_errno(in);
        return 1;
    }
    int ofd = outp ? open(outp, O_WRONLY | O_CREAT | (notrunc || seek ? 0 : O_TRUNC), 0644) : 1;
    if (ofd < 0) {
        warn_errno(outp);
        return 1;
    }
    if (skip && lseek(ifd, (off_t)(skip * bs), SEEK_SET) < 0) {
        warn_errno("skip");
        return 1;
    }
    if (seek && lseek(ofd, (off_t)(seek * bs), SEEK_SET) < 0) {
        warn_errno("seek");
        return 1;
    }
    char *buf = malloc(bs);
    if (!buf) {
        warn_errno("malloc");
        return 1;
    }
    int rc = 0;
    for (unsigned long long n = 0; n < count; n++) {
        ssize_t r = read(ifd, buf, bs);
        if (r < 0) {
            warn_errno(in ? in : "read");
            rc = 1;
            break;
        }
        if (r == 0)
            break;
        if (write_all(ofd, buf, (size_t)r) < 0) {
            warn_errno(outp ? outp : "write");
            rc = 1;
            break;
        }
        bytes += (unsigned long long)r;
        if ((unsigned long long)r == bs) full++; else part++;
    }
    free(buf);
    if (ofd != 1 && close(ofd) < 0) {
        warn_errno(outp);
        rc = 1;
    }
    fprintf(stderr, "%llu+%llu records in\n%llu+%llu records out\n%llu bytes copied\n",
            full, part, full, part, bytes);
    return rc;
}

TOOL(mount)
{
    struct opts o;
    int i = parse_opts(argc, argv, "t:o:r", &o);
    if (i < 0)
        return 2;
    if (i == argc) {        /* no arguments: what is mounted */
        int fd = open("/proc/mounts", O_RDONLY);
        if (fd < 0 || copy_fd(fd, 1) < 0) {
            warn_errno("/proc/mounts");
            return 1;
        }
        close(fd);
        return 0;
    }
    if (argc - i != 2) {
        warn_msg("usage: mount [-r] [-t TYPE] [-o OPTS] SOURCE DIR");
        return 2;
    }
    unsigned long flags = o.on['r'] ? MS_RDONLY : 0;
    const char *data = o.val['o'];
    if (data && !strcmp(data, "ro")) {
        flags |= MS_RDONLY;
        data = NULL;
    } else if (data && !strcmp(data, "rw")) {
        data = NULL;
    }
    if (mount(argv[i], argv[i + 1], o.val['t'] ? o.val['t'] : "ext2", flags, data) < 0) {
        warn_errno(argv[i + 1]);
        return 1;
    }
    return 0;
}

TOOL(umount)
{
    int rc = 0;
    if (argc < 2) {
        warn_msg("usage: umount DIR...");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (umount(argv[i]) < 0) {
            warn_errno(argv[i]);
            rc = 1;
        }
    return rc;
}

/* One line of df: 1K-blocks, used, available, use%, mount point. */
static int df_one(const char *src, const char *dir)
{
    struct statfs s;
    if (statfs(dir, &s) < 0) {
        warn_errno(dir);
        return 1;
    }
    unsigned long long k = (unsigned long long)s.f_bsize / 1024 ? (unsigned long long)s.f_bsize / 1024 : 1;
    unsigned long long total = s.f_blocks * k, avail = s.f_bavail * k, used = (s.f_blocks - s.f_bfree) * k;
    unsigned pct = used + avail ? (unsigned)((used * 100 + used + avail - 1) / (used + avail)) : 0;
    printf("%-16s %10llu %10llu %10llu %3u%% %s\n", src, total, used, avail, pct, dir);
    return 0;
}

TOOL(df)
{
    printf("%-16s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on");
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            rc |= df_one(argv[i], argv[i]);
        return rc;
    }
    static char buf[8192];
    ssize_t n = read_file("/proc/mounts", buf, sizeof buf - 1);
    if (n < 0) {
        warn_errno("/proc/mounts");
        return 1;
    }
    buf[n] = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        char src[256], dir[256];
        if (sscanf(line, "%255s %255s", src, dir) == 2)
            rc |= df_one(src, dir);
    }
    return rc;
}
