/* The console tty. Input characters pass through the line discipline as they arrive
 * (tty_input, from the UART interrupt): in canonical mode they are edited in `line` and
 * moved to the `ready` queue a line at a time; ISIG characters signal the foreground
 * process group. Readers sleep on the tty until data (or an end-of-file) is ready. */
#include "dev/tty.h"
#include "dev/console.h"
#include "fs/vfs.h"
#include "fs/waitq.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"

#define NCCS 19
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSUSP 10
#define VWERASE 14
#define ICRNL  0000400
#define IXON   0002000
#define OPOST  0000001
#define ONLCR  0000004
#define ISIG   0000001
#define ICANON 0000002
#define ECHO   0000010
#define ECHOE  0000020
#define ECHOK  0000040
#define ECHONL 0000100
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000
#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TCSBRK     0x5409
#define TCXONC     0x540A
#define TCFLSH     0x540B
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCOUTQ   0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define TIOCNOTTY  0x5422
#define TIOCGSID   0x5429
#define LINE_MAX_TTY 1024
#define READY_MAX 4096

struct k_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct k_termios) == 36, "the kernel's struct termios (asm-generic)");

static struct {
    struct k_termios t;
    char line[LINE_MAX_TTY];
    size_t linelen;
    char ready[READY_MAX];
    bool ends_line[READY_MAX];  /* canonical mode: a read stops after this character */
    size_t rhead, rcount;
    int eofs;                   /* end-of-file marks (^D on an empty line) not yet read */
    int sid, fg_pgrp;           /* the session it controls and its foreground group */
    uint16_t rows, cols;
} tty = {
    .t = {
        .c_iflag = ICRNL | IXON,
        .c_oflag = OPOST | ONLCR,
        .c_cflag = 0x10b2,      /* B115200 | CS8 | CREAD */
        .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
        .c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 },
    },
    .rows = 24, .cols = 80,
};

static struct waitq tty_wq;     /* pollers of the tty */

static void tty_out(char c)
{
    if ((tty.t.c_oflag & OPOST) && (tty.t.c_oflag & ONLCR) && c == '\n')
        console_put_raw('\r');
    console_put_raw(c);
}

static void tty_echo(char c)
{
    if (!(tty.t.c_lflag & ECHO))
        return;
    if ((tty.t.c_lflag & ECHOCTL) && (unsigned char)c < 32 && c != '\n' && c != '\t') {
        tty_out('^');
        tty_out((char)(c + '@'));
        return;
    }
    tty_out(c);
}

static void tty_ready_put(char c, bool ends)
{
    if (tty.rcount < READY_MAX) {
        size_t at = (tty.rhead + tty.rcount) % READY_MAX;
        tty.ready[at] = c;
        tty.ends_line[at] = ends;
        tty.rcount++;
    }
}

/* The edited line becomes readable; its last character ends a read (newline or ^D). */
static void tty_commit_line(void)
{
    for (size_t i = 0; i < tty.linelen; i++)
        tty_ready_put(tty.line[i], i + 1 == tty.linelen);
    tty.linelen = 0;
    sched_wakeup(&tty);
    waitq_wake(&tty_wq, POLLIN | POLLRDNORM);
}

/* A control character set to 0 is disabled (_POSIX_VDISABLE), so a NUL byte never matches. */
static bool tty_is_cc(char c, int index)
{
    return tty.t.c_cc[index] != 0 && c == (char)tty.t.c_cc[index];
}

static void tty_signal_fg(int sig)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && tty.fg_pgrp && procs[i].pgid == tty.fg_pgrp)
            signal_send(&procs[i], sig, NULL);
}

static void tty_erase_one(void)
{
    if (tty.linelen == 0)
        return;
    tty.linelen--;
    if (tty.t.c_lflag & ECHOE) {
        tty_out('\b');
        tty_out(' ');
        tty_out('\b');
    }
}

static bool tty_isig(char c)
{
    int sig = tty_is_cc(c, VINTR) ? SIGINT : tty_is_cc(c, VQUIT) ? SIGQUIT : tty_is_cc(c, VSUSP) ? SIGTSTP : 0;
    if (!sig)
        return false;
    tty_echo(c);
    tty.linelen = 0;
    tty_signal_fg(sig);
    return true;
}

static void tty_canonical(char c)
{
    if (tty_is_cc(c, VERASE) || c == '\b') {
        tty_erase_one();
    } else if (tty_is_cc(c, VKILL)) {
        while (tty.linelen)
            tty_erase_one();
    } else if (tty_is_cc(c, VWERASE) && (tty.t.c_lflag & IEXTEN)) {
        while (tty.linelen && tty.line[tty.linelen - 1] == ' ')
            tty_erase_one();
        while (tty.linelen && tty.line[tty.linelen - 1] != ' ')
            tty_erase_one();
    } else if (tty_is_cc(c, VEOF)) {
        if (tty.linelen == 0)
            tty.eofs++;
        tty_commit_line();
    } else if (c == '\n') {
        if (tty.linelen < LINE_MAX_TTY)
            tty.line[tty.linelen++] = c;
        tty_echo(c);
        tty_commit_line();
    } else if (tty.linelen < LINE_MAX_TTY - 1) {
        tty.line[tty.linelen++] = c;
        tty_echo(c);
    }
}

void tty_input(char c)
{
    if ((tty.t.c_iflag & ICRNL) && c == '\r')
        c = '\n';
    if ((tty.t.c_lflag & ISIG) && tty_isig(c))
        return;
    if (tty.t.c_lflag & ICANON) {
        tty_canonical(c);
        return;
    }
    tty_echo(c);
    tty_ready_put(c, false);
    sched_wakeup(&tty);
    waitq_wake(&tty_wq, POLLIN | POLLRDNORM);
}

/* A process in a background group of the session reading its terminal gets SIGTTIN. */
static int tty_check_background(void)
{
    struct proc *p = current();
    if (!tty.sid || p->sid != tty.sid || p->pgid == tty.fg_pgrp)
        return 0;
    if (signal_ignored(p, SIGTTIN) || (p->sig_blocked & SIGBIT(SIGTTIN)))
        return -EIO;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && procs[i].pgid == p->pgid)
            signal_send(&procs[i], SIGTTIN, NULL);
    return -ERESTARTSYS;
}

static bool tty_has_input(void)
{
    if (tty.t.c_lflag & ICANON) {
        for (size_t i = 0; i < tty.rcount; i++)
            if (tty.ends_line[(tty.rhead + i) % READY_MAX])
                return true;
        return tty.eofs > 0 || tty.rcount == READY_MAX;
    }
    return tty.rcount > 0;
}

static long tty_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    int err = tty_check_background();
    if (err)
        return err;
    bool canon = tty.t.c_lflag & ICANON;
    while (!tty_has_input()) {
        if ((f->flags & O_NONBLOCK) || (!canon && tty.t.c_cc[VMIN] == 0))
            return canon || tty.t.c_cc[VMIN] ? -EAGAIN : 0;
        if (sched_sleep_on(&tty))
            return -ERESTARTSYS;
    }
    size_t done = 0;
    while (done < n && tty.rcount) {
        char c = tty.ready[tty.rhead];
        bool ends = tty.ends_line[tty.rhead];
        if (uio_copy_out(u, &c, 1))
            return done ? (long)done : -EFAULT;
        tty.rhead = (tty.rhead + 1) % READY_MAX;
        tty.rcount--;
        done++;
        if (canon && ends)
            break;
    }
    /* ^D on an empty line: this read returns 0 (end of file). */
    if (done == 0 && tty.eofs > 0)
        tty.eofs--;
    return (long)done;
}

static long tty_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)f;
    (void)off;
    char chunk[128];
    size_t done = 0;
    while (done < n) {
        size_t c = n - done < sizeof chunk ? n - done : sizeof chunk;
        if (uio_copy_in(chunk, u, c))
            return done ? (long)done : -EFAULT;
        for (size_t i = 0; i < c; i++)
            tty_out(chunk[i]);
        done += c;
    }
    return (long)done;
}

static bool tty_pgrp_in_session(int pgrp)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && procs[i].pgid == pgrp && procs[i].sid == tty.sid)
            return true;
    return false;
}

static long tty_ioctl_pgrp(uint64_t cmd, uint64_t arg)
{
    struct proc *p = current();
    int32_t v;
    if (cmd == TIOCGPGRP || cmd == TIOCGSID) {
        if (!tty.sid || p->sid != tty.sid)
            return -ENOTTY;
        v = cmd == TIOCGPGRP ? tty.fg_pgrp : tty.sid;
        return copy_to_user(arg, &v, 4);
    }
    if (copy_from_user(&v, arg, 4))
        return -EFAULT;
    if (!tty.sid || p->sid != tty.sid)
        return -ENOTTY;
    if (v <= 0 || !tty_pgrp_in_session(v))
        return v <= 0 ? -EINVAL : -EPERM;
    tty.fg_pgrp = v;
    return 0;
}

static long tty_ioctl(struct file *f, uint64_t cmd, uint64_t arg)
{
    (void)f;
    struct proc *p = current();
    uint16_t ws[4];
    switch (cmd) {
    case TCGETS:
        return copy_to_user(arg, &tty.t, sizeof tty.t);
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        struct k_termios t;
        if (copy_from_user(&t, arg, sizeof t))
            return -EFAULT;
        if (cmd == TCSETSF)
            tty.rcount = tty.linelen = 0, tty.eofs = 0;
        tty.t = t;
        if (!(tty.t.c_lflag & ICANON) && tty.linelen)
            tty_commit_line();
        waitq_wake(&tty_wq, 0);     /* a new mode may make queued input readable */
        return 0;
    }
    case TIOCGWINSZ:
        ws[0] = tty.rows, ws[1] = tty.cols, ws[2] = ws[3] = 0;
        return copy_to_user(arg, ws, sizeof ws);
    case TIOCSWINSZ:
        if (copy_from_user(ws, arg, sizeof ws))
            return -EFAULT;
        tty.rows = ws[0], tty.cols = ws[1];
        return 0;
    case TIOCGPGRP:
    case TIOCSPGRP:
    case TIOCGSID:
        return tty_ioctl_pgrp(cmd, arg);
    case TIOCSCTTY:
        if (p->sid != p->pid)
            return -EPERM;
        tty.sid = p->sid;
        tty.fg_pgrp = p->pgid;
        return 0;
    case TIOCNOTTY:
        if (p->sid == tty.sid && p->sid == p->pid)
            tty.sid = tty.fg_pgrp = 0;
        return 0;
    case FIONREAD: {
        int32_t v = (int32_t)tty.rcount;
        return copy_to_user(arg, &v, 4);
    }
    case TIOCOUTQ: {
        int32_t v = 0;
        return copy_to_user(arg, &v, 4);
    }
    case TCSBRK:
    case TCXONC:
        return 0;
    case TCFLSH:
        if (arg == 0 || arg == 2)
            tty.rcount = tty.linelen = 0, tty.eofs = 0;
        return 0;
    default:
        return -ENOTTY;
    }
}

/* Readable when a read would not block (a whole line in canonical mode); always writable. */
static uint32_t tty_poll(struct file *f, struct poll_table *pt)
{
    (void)f;
    poll_wait(pt, &tty_wq);
    return (tty_has_input() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

static const struct file_ops tty_ops = {
    .poll = tty_poll,
    .read = tty_read,
    .write = tty_write,
    .ioctl = tty_ioctl,
};

void tty_init(void)
{
    chardev_register(MKDEV(5, 0), &tty_ops);
    chardev_register(MKDEV(5, 1), &tty_ops);
    console_start_input(tty_input);
}
