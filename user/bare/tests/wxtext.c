/* Stores into its own text: must die with "store page fault" (text is not writable). */
#include "ulib.h"

int main(void)
{
    volatile uint32_t *text = (volatile uint32_t *)(uintptr_t)&main;
    uint32_t insn = *text; /* text is readable... */
    *text = insn;          /* ...but must not be writable */
    t_fail("wxtext", "store into text at %p succeeded", (void *)text);
    return 1;
}
