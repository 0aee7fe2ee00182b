/* dlopen/dlsym/dlclose of a library of ours (found in /usr/lib by the loader's search path),
 * the error paths of dlopen and dlsym, and a second open of libm by its absolute path. */
#include "../tests/tap.h"
#include <dlfcn.h>
#include <link.h>

static int unloaded;
static void on_unload(void)
{
    unloaded++;
}


struct find { const char *name; int n; };
static int on_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct find *f = data;
    if (strstr(info->dlpi_name, f->name))
        f->n++;
    return 0;
}

static int loaded(const char *name)
{
    struct find f = { name, 0 };
    dl_iterate_phdr(on_object, &f);
    return f.n;
}

int main(void)
{
    check(loaded("libdyntest.so") == 0, "dlopen-not-yet", "libdyntest.so loaded before dlopen");
    void *h = dlopen("libdyntest.so", RTLD_NOW | RTLD_LOCAL);
    if (!check(h != NULL, "dlopen-search-path", "dlopen(libdyntest.so): %s", dlerror()))
        return t_done("dyn_dlopen");
    check(loaded("libdyntest.so") == 1, "dlopen-listed", "libdyntest.so not among the objects");
    int *constructed = dlsym(h, "dyntest_constructed");
    check(constructed && *constructed == 1234, "dlopen-constructor", "dyntest_constructed %d",
          constructed ? *constructed : -1);
    int (*add)(int, int) = (int (*)(int, int))dlsym(h, "dyntest_add");
    check(add && add(40, 2) == 42, "dlsym-call", "dyntest_add %p", (void *)add);
    size_t (*slen)(const char *) = (size_t (*)(const char *))dlsym(h, "dyntest_strlen");
    check(slen && slen("twelve chars") == 12, "dlsym-plt-into-libc", "dyntest_strlen %p", (void *)slen);
    int (*fmt)(char *, size_t, int) = (int (*)(char *, size_t, int))dlsym(h, "dyntest_format");
    char buf[32] = "";
    if (fmt)
        fmt(buf, sizeof buf, 7);
    check(strcmp(buf, "dyntest:7") == 0, "dlsym-relocated-data", "dyntest_format gave '%s'", buf);
    int (*tls)(void) = (int (*)(void))dlsym(h, "dyntest_tls_next");
    int t1 = tls ? tls() : 0, t2 = tls ? tls() : 0;
    check(t1 == 41 && t2 == 42, "dlsym-tls", "TLS counter %d then %d", t1, t2);
    dlerror();
    void *none = dlsym(h, "dyntest_no_such_symbol");
    const char *err = dlerror();
    check(none == NULL && err && strstr(err, "dyntest_no_such_symbol"), "dlsym-missing",
          "dlsym returned %p, dlerror %s", none, err ? err : "(null)");
    void *h2 = dlopen("/usr/lib/libdyntest.so", RTLD_NOW);
    check(h2 == h, "dlopen-same-handle", "by path %p, by name %p", h2, h);
    if (h2)
        dlclose(h2);
    void (*hook)(void (*)(void)) = (void (*)(void (*)(void)))dlsym(h, "dyntest_set_unload_hook");
    if (hook)
        hook(on_unload);
    check(dlclose(h) == 0 && unloaded == 1, "dlclose-destructor", "destructor ran %d times", unloaded);
    check(loaded("libdyntest.so") == 0, "dlclose-unmapped", "libdyntest.so still listed after dlclose");

    void *bad = dlopen("libdoesnotexist.so", RTLD_NOW);
    err = dlerror();
    check(bad == NULL && err && strstr(err, "libdoesnotexist.so"), "dlopen-missing",
          "dlopen returned %p, dlerror %s", bad, err ? err : "(null)");
    void *notlib = dlopen("/tests/dynbad/ld-text", RTLD_NOW);
    err = dlerror();
    check(notlib == NULL && err != NULL, "dlopen-not-elf", "dlopen of a text file returned %p", notlib);
    void *m = dlopen("/lib/libm.so.6", RTLD_LAZY);
    double (*hyp)(double, double) = m ? (double (*)(double, double))dlsym(m, "hypot") : NULL;
    check(hyp && hyp(3.0, 4.0) == 5.0, "dlopen-libm-by-path", "hypot %p: %s", (void *)hyp,
          m ? "" : dlerror());
    if (m)
        dlclose(m);
    return t_done("dyn_dlopen");
}
