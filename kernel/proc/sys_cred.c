/* Credentials: real/effective/saved/file-system user and group ids, supplementary groups,
 * capabilities and the personality. Every process starts as root with every capability;
 * the ids are stored and reported, and the set* calls follow Linux's rules for who may change
 * what (CAP_SETUID / CAP_SETGID in the effective set, else only to one's own ids). Nothing else
 * in the kernel checks permissions against them yet (files are not access-checked by uid). */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/vm.h"
#include "lib/errno.h"

#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_LAST_CAP 40
#define CAP_FULL ((1UL << (CAP_LAST_CAP + 1)) - 1)
#define NGROUPS_MAX 65536
#define NGROUPS_KEPT 32         /* what struct proc has room for (setgroups: -ENOMEM beyond) */
#define ID_KEEP 0xffffffffu     /* (uid_t)-1: leave unchanged */

#define CAP_V1 0x19980330u
#define CAP_V2 0x20071026u
#define CAP_V3 0x20080522u

static uint64_t cap_eff(const struct proc *p) { return CAP_FULL & ~p->cred.caps_dropped_eff; }
static uint64_t cap_perm(const struct proc *p) { return CAP_FULL & ~p->cred.caps_dropped_perm; }
static bool capable(const struct proc *p, int cap) { return cap_eff(p) & (1UL << cap); }

/* Linux's rule when uids change (no SECBIT_KEEP_CAPS): losing root in all of r/e/s drops the
 * permitted and effective sets; euid leaving 0 drops the effective set; euid becoming 0 gets
 * the permitted set back in the effective one. */
static void cred_fix_caps(struct proc *p, uint32_t old_r, uint32_t old_e, uint32_t old_s)
{
    struct { uint32_t ruid, euid, suid; } n = { p->cred.ruid, p->cred.euid, p->cred.suid };
    if ((old_r == 0 || old_e == 0 || old_s == 0) && n.ruid && n.euid && n.suid) {
        p->cred.caps_dropped_perm = CAP_FULL;
        p->cred.caps_dropped_eff = CAP_FULL;
    } else if (old_e == 0 && n.euid) {
        p->cred.caps_dropped_eff = CAP_FULL;
    } else if (old_e && n.euid == 0) {
        p->cred.caps_dropped_eff = p->cred.caps_dropped_perm;
    }
}

SYSCALL(getuid) { (void)a; return current()->cred.ruid; }
SYSCALL(geteuid) { (void)a; return current()->cred.euid; }
SYSCALL(getgid) { (void)a; return current()->cred.rgid; }
SYSCALL(getegid) { (void)a; return current()->cred.egid; }

/* The three ids of one kind, for the generic set* logic below. */
struct idset { uint32_t *r, *e, *s, *fs; int cap; bool user; };

static struct idset ids_of(struct proc *p, bool user)
{
    if (user)
        return (struct idset){ &p->cred.ruid, &p->cred.euid, &p->cred.suid, &p->cred.fsuid, CAP_SETUID, true };
    return (struct idset){ &p->cred.rgid, &p->cred.egid, &p->cred.sgid, &p->cred.fsgid, CAP_SETGID, false };
}

static bool id_is_own(const struct idset *s, uint32_t id)
{
    return id == *s->r || id == *s->e || id == *s->s;
}

static void ids_commit(struct proc *p, struct idset *s, uint32_t r, uint32_t e, uint32_t sv)
{
    uint32_t or_ = p->cred.ruid, oe = p->cred.euid, os = p->cred.suid;
    *s->r = r;
    *s->e = e;
    *s->s = sv;
    *s->fs = e;
    if (s->user)
        cred_fix_caps(p, or_, oe, os);
}

static long set_one(bool user, uint32_t id)
{
    struct proc *p = current();
    struct idset s = ids_of(p, user);
    if (id == ID_KEEP)
        return -EINVAL;
    if (capable(p, s.cap))
        ids_commit(p, &s, id, id, id);
    else if (id == *s.r || id == *s.s)
        ids_commit(p, &s, *s.r, id, *s.s);
    else
        return -EPERM;
    return 0;
}

SYSCALL(setuid) { return set_one(true, (uint32_t)a[0]); }
SYSCALL(setgid) { return set_one(false, (uint32_t)a[0]); }

static long set_re(bool user, uint32_t r, uint32_t e)
{
    struct proc *p = current();
    struct idset s = ids_of(p, user);
    bool priv = capable(p, s.cap);
    uint32_t nr = r == ID_KEEP ? *s.r : r, ne = e == ID_KEEP ? *s.e : e, ns = *s.s;
    if (!priv) {
        if (r != ID_KEEP && r != *s.r && r != *s.e)
            return -EPERM;
        if (e != ID_KEEP && e != *s.r && e != *s.e && e != *s.s)
            return -EPERM;
    }
    /* The saved id follows the effective one when the real id is set, or the effective id is
     * set to something other than the old real id. */
    if (r != ID_KEEP || (e != ID_KEEP && e != *s.r))
        ns = ne;
    ids_commit(p, &s, nr, ne, ns);
    return 0;
}

SYSCALL(setreuid) { return set_re(true, (uint32_t)a[0], (uint32_t)a[1]); }
SYSCALL(setregid) { return set_re(false, (uint32_t)a[0], (uint32_t)a[1]); }

static long set_res(bool user, uint32_t r, uint32_t e, uint32_t sv)
{
    struct proc *p = current();
    struct idset s = ids_of(p, user);
    if (!capable(p, s.cap) && ((r != ID_KEEP && !id_is_own(&s, r)) ||
                               (e != ID_KEEP && !id_is_own(&s, e)) ||
                               (sv != ID_KEEP && !id_is_own(&s, sv))))
        return -EPERM;
    ids_commit(p, &s, r == ID_KEEP ? *s.r : r, e == ID_KEEP ? *s.e : e, sv == ID_KEEP ? *s.s : sv);
    return 0;
}

SYSCALL(setresuid) { return set_res(true, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]); }
SYSCALL(setresgid) { return set_res(false, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]); }

static long get_res(bool user, uint64_t ur, uint64_t ue, uint64_t us)
{
    struct idset s = ids_of(current(), user);
    if (copy_to_user(ur, s.r, 4) || copy_to_user(ue, s.e, 4) || copy_to_user(us, s.s, 4))
        return -EFAULT;
    return 0;
}

SYSCALL(getresuid) { return get_res(true, a[0], a[1], a[2]); }
SYSCALL(getresgid) { return get_res(false, a[0], a[1], a[2]); }

/* setfsuid/setfsgid always answer the old value; the change happens only when allowed. */
static long set_fs(bool user, uint32_t id)
{
    struct proc *p = current();
    struct idset s = ids_of(p, user);
    uint32_t old = *s.fs;
    if (id != ID_KEEP && (capable(p, s.cap) || id_is_own(&s, id) || id == *s.fs))
        *s.fs = id;
    return old;
}

SYSCALL(setfsuid) { return set_fs(true, (uint32_t)a[0]); }
SYSCALL(setfsgid) { return set_fs(false, (uint32_t)a[0]); }

SYSCALL(getgroups)
{
    struct proc *p = current();
    int size = (int)a[0];
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return p->cred.ngroups;
    if ((uint32_t)size < p->cred.ngroups)
        return -EINVAL;
    if (copy_to_user(a[1], p->cred.groups, p->cred.ngroups * 4))
        return -EFAULT;
    return p->cred.ngroups;
}

SYSCALL(setgroups)
{
    struct proc *p = current();
    int size = (int)a[0];
    uint32_t groups[NGROUPS_KEPT];
    if (!capable(p, CAP_SETGID))
        return -EPERM;
    if (size < 0 || size > NGROUPS_MAX)
        return -EINVAL;
    if (size > NGROUPS_KEPT)
        return -ENOMEM;
    if (size && copy_from_user(groups, a[1], (size_t)size * 4))
        return -EFAULT;
    for (int i = 0; i < size; i++)
        p->cred.groups[i] = groups[i];
    p->cred.ngroups = (uint32_t)size;
    return 0;
}

/* --- capabilities --- */

struct cap_header { uint32_t version; int32_t pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

/* How many cap_data structs the header's version uses; an unknown version is answered with
 * the preferred one written back and -EINVAL. */
static long cap_words(uint64_t uhdr, struct cap_header *h)
{
    if (copy_from_user(h, uhdr, sizeof *h))
        return -EFAULT;
    if (h->version == CAP_V1)
        return 1;
    if (h->version == CAP_V2 || h->version == CAP_V3)
        return 2;
    uint32_t v = CAP_V3;
    if (copy_to_user(uhdr, &v, 4))
        return -EFAULT;
    return -EINVAL;
}

SYSCALL(capget)
{
    struct cap_header h;
    long n = cap_words(a[0], &h);
    if (!a[1])
        return n == -EINVAL || n > 0 ? 0 : n;
    if (n < 0)
        return n;
    if (h.pid < 0)
        return -EINVAL;
    struct proc *t = h.pid ? proc_find(h.pid) : current();
    if (!t || t->state == PROC_FREE || t->state == PROC_EMBRYO)
        return -ESRCH;
    uint64_t e = cap_eff(t), pm = cap_perm(t), in = t->cred.caps_inh;
    struct cap_data d[2] = {
        { (uint32_t)e, (uint32_t)pm, (uint32_t)in },
        { (uint32_t)(e >> 32), (uint32_t)(pm >> 32), (uint32_t)(in >> 32) },
    };
    return copy_to_user(a[1], d, (size_t)n * sizeof d[0]) ? -EFAULT : 0;
}

SYSCALL(capset)
{
    struct proc *p = current();
    struct cap_header h;
    struct cap_data d[2] = { { 0, 0, 0 }, { 0, 0, 0 } };
    long n = cap_words(a[0], &h);
    if (n < 0)
        return n;
    if (h.pid != 0 && h.pid != p->pid)
        return -EPERM;
    if (copy_from_user(d, a[1], (size_t)n * sizeof d[0]))
        return -EFAULT;
    uint64_t e = d[0].effective | ((uint64_t)d[1].effective << 32);
    uint64_t pm = d[0].permitted | ((uint64_t)d[1].permitted << 32);
    uint64_t in = d[0].inheritable | ((uint64_t)d[1].inheritable << 32);
    e &= CAP_FULL;
    pm &= CAP_FULL;
    in &= CAP_FULL;
    /* No new permitted bits; effective within the new permitted; inheritable within
     * old inheritable | old permitted (CAP_SETPCAP's bounding-set rule reduces to this). */
    if ((pm & ~cap_perm(p)) || (e & ~pm) || (in & ~(p->cred.caps_inh | cap_perm(p))))
        return -EPERM;
    p->cred.caps_dropped_perm = CAP_FULL & ~pm;
    p->cred.caps_dropped_eff = CAP_FULL & ~e;
    p->cred.caps_inh = in;
    return 0;
}

/* personality: only PER_LINUX (0) with its flag bits (ADDR_NO_RANDOMIZE and friends, which
 * are stored and reported, not acted on); 0xffffffff only asks. */
SYSCALL(personality)
{
    struct proc *p = current();
    uint32_t persona = (uint32_t)a[0], old = p->cred.personality;
    if (persona == 0xffffffffu)
        return old;
    if (persona & 0xff)
        return -EINVAL;
    p->cred.personality = persona;
    return old;
}
