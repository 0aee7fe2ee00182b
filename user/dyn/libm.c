/* libm.so.6 as a DT_NEEDED library: results computed at run time (inputs are volatile and
 * -fno-builtin keeps gcc from folding them) against values known to a few ulps. */
#define yn libm_yn            /* tap.h has its own yn() */
#include <math.h>
#undef yn
#include "../tests/tap.h"
#include <link.h>

static volatile double two = 2.0, half = 0.5, ten = 10.0, e1 = 1.0;

static int close_to(double got, double want)
{
    return fabs(got - want) <= 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
}

static int on_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    if (strstr(info->dlpi_name, "libm.so.6"))
        *(int *)data = 1;
    return 0;
}

int main(void)
{
    int found = 0;
    dl_iterate_phdr(on_object, &found);
    check(found, "dyn-libm-loaded", "libm.so.6 is not among the loaded objects");
    check(close_to(sqrt(two), 1.4142135623730951), "dyn-libm-sqrt", "sqrt(2) = %.17g", sqrt(two));
    check(close_to(sin(half), 0.479425538604203) && close_to(cos(half), 0.8775825618903728),
          "dyn-libm-trig", "sin(.5) = %.17g cos(.5) = %.17g", sin(half), cos(half));
    check(close_to(exp(e1), 2.718281828459045) && close_to(log(ten), 2.302585092994046),
          "dyn-libm-exp-log", "exp(1) = %.17g log(10) = %.17g", exp(e1), log(ten));
    check(close_to(pow(two, ten), 1024.0) && close_to(atan2(e1, e1) * 4, 3.141592653589793),
          "dyn-libm-pow-atan2", "pow(2,10) = %.17g 4*atan2(1,1) = %.17g", pow(two, ten),
          atan2(e1, e1) * 4);
    char buf[64];
    snprintf(buf, sizeof buf, "%.6f", cbrt(ten * ten * ten));
    check(strcmp(buf, "10.000000") == 0, "dyn-libm-cbrt-printf", "cbrt(1000) printed as %s", buf);
    return t_done("dyn_libm");
}
