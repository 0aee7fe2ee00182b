/* Program entry for -nostdlib programs.
 * The kernel starts us with the Linux initial stack:
 *   sp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs.
 * We call main(argc, argv, envp) and pass its return value to exit_group. */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    lla     gp, __global_pointer$   /* gp-relative addressing needs gp set up first */
    .option pop
    ld      a0, 0(sp)               /* argc */
    addi    a1, sp, 8               /* argv */
    slli    t0, a0, 3
    add     a2, a1, t0
    addi    a2, a2, 8               /* envp = argv + argc + 1 */
    andi    sp, sp, -16             /* the ABI wants a 16-byte aligned stack */
    li      ra, 0                   /* end of the call chain for debuggers */
    call    main
    li      a7, 94                  /* exit_group(a0) */
    ecall
1:  j       1b                      /* exit_group does not return */
    .size _start, . - _start
