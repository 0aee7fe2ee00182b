/* The Linux riscv64 signal frame: struct rt_sigframe { siginfo (128 bytes); ucontext } on the
 * user stack, registers in uc_mcontext (pc, x1..x31, then f0..f31 and fcsr). The handler
 * returns to the signal page, whose code makes the rt_sigreturn system call. */
#include "arch.h"
#include "csr.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/sched.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "lib/kstring.h"
#include "lib/errno.h"

#define SS_ONSTACK 1
#define SS_DISABLE 2

struct user_siginfo {
    int32_t signo, errno_, code, pad0;
    union {
        struct { int32_t pid, uid; } kill;
        struct { int32_t pid, uid, status, pad; int64_t utime, stime; } chld;
        struct { uint64_t addr; } fault;
        struct { int32_t tid, overrun; uint64_t value; } timer;
        uint8_t raw[112];
    } u;
};

struct user_sigcontext {
    uint64_t gregs[32];                 /* pc, then x1..x31 */
    uint64_t fregs[32];
    uint32_t fcsr;
    uint32_t reserved[67];              /* the union is 528 bytes (room for Q) */
} __attribute__((aligned(16)));

struct user_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct { uint64_t ss_sp; int32_t ss_flags, pad; uint64_t ss_size; } uc_stack;
    uint64_t uc_sigmask;
    uint8_t unused[120];                /* glibc's sigset_t is 128 bytes */
    struct user_sigcontext uc_mcontext;
};

struct rt_sigframe {
    struct user_siginfo info;
    struct user_ucontext uc;
};

_Static_assert(sizeof(struct user_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(__builtin_offsetof(struct user_ucontext, uc_sigmask) == 40, "uc_sigmask");
_Static_assert(__builtin_offsetof(struct user_ucontext, uc_mcontext) == 176, "uc_mcontext");
_Static_assert(sizeof(struct user_sigcontext) == 256 + 528, "sigcontext size");
_Static_assert(sizeof(struct rt_sigframe) % 16 == 0, "frame keeps sp aligned");

/* li a7, 139 (rt_sigreturn); ecall */
static const uint32_t sigreturn_code[2] = { 0x08b00893, 0x00000073 };

void arch_signal_page_fill(void *page)
{
    memcpy(page, sigreturn_code, sizeof sigreturn_code);
}

static void signal_fill_info(struct user_siginfo *ui, const struct k_siginfo *info)
{
    memset(ui, 0, sizeof *ui);
    ui->signo = info->signo;
    ui->code = info->code;
    if (info->signo == SIGCHLD) {
        ui->u.chld.pid = info->pid;
        ui->u.chld.status = info->status;
        ui->u.chld.utime = (int64_t)info->utime;
        ui->u.chld.stime = (int64_t)info->stime;
    } else if (info->code == SI_TIMER) {
        ui->u.timer.tid = info->timer_id;
        ui->u.timer.overrun = info->overrun;
        ui->u.timer.value = info->value;
    } else if (info->code > 0 && info->signo != SIGCHLD) {
        ui->u.fault.addr = info->addr;
    } else {
        ui->u.kill.pid = info->pid;
        ui->u.kill.uid = info->uid;
        memcpy(ui->u.raw + 8, &info->addr, 8);  /* si_value (sigqueue), kept in addr */
    }
}

int arch_siginfo_to_user(uint64_t uaddr, const struct k_siginfo *info)
{
    struct user_siginfo ui;
    signal_fill_info(&ui, info);
    return copy_to_user(uaddr, &ui, sizeof ui);
}

int arch_siginfo_from_user(uint64_t uaddr, struct k_siginfo *info)
{
    struct user_siginfo ui;
    if (copy_from_user(&ui, uaddr, sizeof ui))
        return -EFAULT;
    *info = (struct k_siginfo){ .signo = ui.signo, .errno_ = ui.errno_, .code = ui.code,
                                .pid = ui.u.kill.pid, .uid = ui.u.kill.uid };
    memcpy(&info->addr, ui.u.raw + 8, 8);
    return 0;
}

/* The process's FP registers as they are now, whether saved already or still live. */
static void signal_save_fpu(struct proc *p, struct user_sigcontext *sc)
{
    arch_fpu_switch_out(p->tf, &p->fpu);
    memcpy(sc->fregs, p->fpu.f, sizeof sc->fregs);
    sc->fcsr = (uint32_t)p->fpu.fcsr;
}

int arch_signal_setup_frame(struct proc *p, int sig, const struct k_sigaction *act,
                            const struct k_siginfo *info, uint64_t old_mask)
{
    struct trapframe *tf = p->tf;
    uint64_t sp = tf->sp;
    bool on_alt = p->altstack_size && sp - p->altstack_sp <= p->altstack_size;
    if ((act->flags & SA_ONSTACK) && p->altstack_size && !(p->altstack_flags & SS_DISABLE) && !on_alt)
        sp = p->altstack_sp + p->altstack_size;
    static struct rt_sigframe frame;    /* one hart, interrupts off: no concurrent use */
    memset(&frame, 0, sizeof frame);
    signal_fill_info(&frame.info, info);
    frame.uc.uc_stack.ss_sp = p->altstack_sp;
    frame.uc.uc_stack.ss_size = p->altstack_size;
    frame.uc.uc_stack.ss_flags = p->altstack_size ? (on_alt ? SS_ONSTACK : 0) : SS_DISABLE;
    frame.uc.uc_sigmask = old_mask;
    frame.uc.uc_mcontext.gregs[0] = tf->epc;
    for (int i = 1; i < 32; i++)
        frame.uc.uc_mcontext.gregs[i] = tf_reg(tf, i);
    signal_save_fpu(p, &frame.uc.uc_mcontext);
    sp = (sp - sizeof frame) & ~15UL;
    if (copy_to_user(sp, &frame, sizeof frame))
        return -1;
    tf->epc = act->handler;
    tf->sp = sp;
    tf->ra = p->mm->sigpage;
    tf->a0 = (uint64_t)sig;
    tf->a1 = sp + __builtin_offsetof(struct rt_sigframe, info);
    tf->a2 = sp + __builtin_offsetof(struct rt_sigframe, uc);
    return 0;
}

/* rt_sigreturn: put back what arch_signal_setup_frame saved; the frame is at sp. */
long arch_signal_return(struct proc *p)
{
    struct trapframe *tf = p->tf;
    static struct rt_sigframe frame;
    if (copy_from_user(&frame, tf->sp, sizeof frame))
        return -1;
    tf->epc = frame.uc.uc_mcontext.gregs[0];
    uint64_t *regs = (uint64_t *)tf;
    for (int i = 1; i < 32; i++)
        regs[i - 1] = frame.uc.uc_mcontext.gregs[i];
    p->sig_blocked = frame.uc.uc_sigmask & ~SIG_UNBLOCKABLE;
    memcpy(p->fpu.f, frame.uc.uc_mcontext.fregs, sizeof p->fpu.f);
    p->fpu.fcsr = frame.uc.uc_mcontext.fcsr;
    /* Load them now and mark them dirty so the next switch saves them. */
    csr_set(sstatus, SSTATUS_FS_CLEAN);
    fpu_restore(&p->fpu);
    tf->status = (tf->status & ~SSTATUS_FS) | SSTATUS_FS_DIRTY;
    return 0;
}

void arch_syscall_restart(struct proc *p)
{
    p->tf->epc -= 4;
    p->tf->a0 = p->syscall_a0;
}

/* Restart through restart_syscall (128), which resumes what the process saved. */
void arch_syscall_restart_block(struct proc *p)
{
    p->tf->epc -= 4;
    p->tf->a7 = 128;
}

void arch_syscall_set_result(struct proc *p, long value)
{
    p->tf->a0 = (uint64_t)value;
}

long arch_syscall_result(struct proc *p)
{
    return (long)p->tf->a0;
}

uint64_t arch_tf_sp(const struct proc *p)
{
    return p->tf->sp;
}
