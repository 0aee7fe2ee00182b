/* Reading key=value words from the kernel command line. */
#include "lib/cmdline.h"
#include "lib/kstring.h"

bool cmdline_get(const char *s, const char *key, char *val, size_t n)
{
    size_t klen = strlen(key);
    while (s && *s) {
        while (*s == ' ')
            s++;
        const char *word = s;
        while (*s && *s != ' ')
            s++;
        if ((size_t)(s - word) > klen && strncmp(word, key, klen) == 0 && word[klen] == '=') {
            size_t len = (size_t)(s - word) - klen - 1;
            if (n == 0)
                return true;
            if (len > n - 1)
                len = n - 1;
            memcpy(val, word + klen + 1, len);
            val[len] = 0;
            return true;
        }
    }
    return false;
}

unsigned long cmdline_get_ulong(const char *s, const char *key, unsigned long def)
{
    char buf[24];
    unsigned long v = 0;
    if (!cmdline_get(s, key, buf, sizeof buf) || !buf[0])
        return def;
    for (const char *p = buf; *p; p++) {
        if (*p < '0' || *p > '9' || v > (~0UL - 9) / 10)
            return def;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    return v;
}
