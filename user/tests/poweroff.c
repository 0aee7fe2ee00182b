/* reboot(2): wrong magic numbers are rejected; RB_POWER_OFF powers the machine off at once,
 * even with other processes still running (the harness checks QEMU exits promptly). */
#include "tap.h"
#include <sys/reboot.h>
#include <sys/syscall.h>

int main(void)
{
    check_ret("reboot-bad-magic", syscall(SYS_reboot, 0x12345678, 0x28121969, RB_POWER_OFF, NULL), -EINVAL);
    check_ret("reboot-bad-cmd", syscall(SYS_reboot, 0xfee1dead, 0x28121969, 0x1111, NULL), -EINVAL);
    msleep(100);    /* let the other programs of the boot start */
    say("ok reboot-power-off-called");
    reboot(RB_POWER_OFF);
    check(0, "reboot-returned", "reboot(RB_POWER_OFF) returned: %s", strerror(errno));
    return 1;
}
