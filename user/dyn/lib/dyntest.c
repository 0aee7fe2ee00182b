/* A small shared library for the dlopen and DT_NEEDED tests: a constructor and a destructor,
 * data with a relocated pointer, a call into libc through the PLT and thread-local storage. */
#include <stdio.h>
#include <string.h>

int dyntest_constructed;
static const char greeting[] = "dyntest";
const char *dyntest_name = greeting;           /* needs a relative relocation */
static __thread int tls_counter = 40;
static void (*on_unload)(void);

__attribute__((constructor)) static void dyntest_init(void)
{
    dyntest_constructed = 1234;
}

__attribute__((destructor)) static void dyntest_fini(void)
{
    if (on_unload)
        on_unload();
}

void dyntest_set_unload_hook(void (*fn)(void))
{
    on_unload = fn;
}

int dyntest_add(int a, int b)
{
    return a + b;
}

size_t dyntest_strlen(const char *s)
{
    return strlen(s);                          /* libc through the PLT */
}

int dyntest_tls_next(void)
{
    return ++tls_counter;
}

int dyntest_format(char *buf, size_t n, int v)
{
    return snprintf(buf, n, "%s:%d", dyntest_name, v);
}
