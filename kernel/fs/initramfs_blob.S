/* The initramfs built from user/ (build/initramfs.cpio), embedded in the kernel image. */
    .section .rodata.initramfs, "a"
    .balign 4096
    .globl initramfs_embedded
initramfs_embedded:
    .incbin INITRAMFS_PATH
    .globl initramfs_embedded_end
initramfs_embedded_end:
    .byte 0
