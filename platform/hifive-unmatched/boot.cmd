# U-Boot script for rvix on the SiFive HiFive Unmatched: load the kernel Image and the initramfs
# from the partition holding this script, then booti. Built by: make image PLATFORM=hifive-unmatched.
#
# Optional variables (setenv NAME VALUE; saveenv keeps them):
#   rvix_bootargs  the kernel command line, e.g. "spawn=/bin/hello" (unset: the kernel runs /init)
#   rvix_fdtfile   a .dtb on this partition to pass instead of the DT U-Boot itself runs with
# Distro boot sets devtype, devnum, distro_bootpart and prefix; the defaults below are for
# running the script by hand ("load ... ${scriptaddr} boot.scr; source ${scriptaddr}").
# Unmatched: the SD card is mmc 0; find the FAT partition with "part list mmc 0" and "ls mmc 0:N".

if test -z "${devtype}"; then setenv devtype mmc; fi
if test -z "${devnum}"; then setenv devnum 0; fi
if test -z "${distro_bootpart}"; then setenv distro_bootpart 3; fi
echo "boot.scr: loading from ${devtype} ${devnum}:${distro_bootpart} ${prefix}"

# No apostrophes anywhere in this file, not even in comments or strings: U-Boot hush
# takes them as the start of a quoted word and the whole script fails.
# With bootargs unset, booti keeps the /chosen/bootargs already in the DT (QEMU -append);
# setting it to an empty string would replace them with nothing.
if test -n "${rvix_bootargs}"; then setenv bootargs "${rvix_bootargs}"; else setenv bootargs; fi

setenv rvix_fdt ${fdtcontroladdr}
if test -n "${rvix_fdtfile}"; then
    if load ${devtype} ${devnum}:${distro_bootpart} ${fdt_addr_r} ${prefix}${rvix_fdtfile}; then
        setenv rvix_fdt ${fdt_addr_r}
    else
        echo "boot.scr: ${prefix}${rvix_fdtfile} not found, using the DT of U-Boot"
    fi
fi

if load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} ${prefix}Image; then
    # The initramfs goes last: booti takes its size from ${filesize}.
    if load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} ${prefix}initramfs.cpio; then
        booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${rvix_fdt}
    else
        echo "boot.scr: no ${prefix}initramfs.cpio; booting with the one built into the kernel"
        booti ${kernel_addr_r} - ${rvix_fdt}
    fi
fi
echo "boot.scr: boot failed; see docs/boards.md"
