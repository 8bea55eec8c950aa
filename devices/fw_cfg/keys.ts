/**
 * Selector keys, ports and DMA control bits of QEMU's firmware configuration
 * device (QEMU docs/specs/fw_cfg.rst, include/standard-headers/linux/qemu_fw_cfg.h).
 * @module
 */

/** I/O port of the 16-bit selector register; its high byte overlaps the data port. */
export const FW_CFG_PORT_SEL = 0x510;
/** I/O port of the 8-bit data register. */
export const FW_CFG_PORT_DATA = 0x511;
/** First I/O port of the 64-bit big-endian DMA address register. */
export const FW_CFG_PORT_DMA = 0x514;

/** The four bytes "QEMU". */
export const FW_CFG_SIGNATURE = 0x00;
/** Feature bitmap, 32 bits little-endian: bit 0 traditional interface, bit 1 DMA. */
export const FW_CFG_ID = 0x01;
/** The machine UUID, 16 bytes. */
export const FW_CFG_UUID = 0x02;
/** RAM size in bytes, 64 bits. */
export const FW_CFG_RAM_SIZE = 0x03;
/** 1 when the machine runs without a display, 16 bits. */
export const FW_CFG_NOGRAPHIC = 0x04;
/** Number of CPUs started at boot, 16 bits. */
export const FW_CFG_NB_CPUS = 0x05;
/** Machine ID (sun4m and PowerPC boards; unused on pc). */
export const FW_CFG_MACHINE_ID = 0x06;
/** Load address of the protected-mode kernel, 32 bits. */
export const FW_CFG_KERNEL_ADDR = 0x07;
/** Size of the protected-mode kernel, 32 bits. */
export const FW_CFG_KERNEL_SIZE = 0x08;
/** Kernel command line address (non-x86 boards; x86 uses FW_CFG_CMDLINE_ADDR). */
export const FW_CFG_KERNEL_CMDLINE = 0x09;
/** Load address of the initrd, 32 bits. */
export const FW_CFG_INITRD_ADDR = 0x0a;
/** Size of the initrd, 32 bits. */
export const FW_CFG_INITRD_SIZE = 0x0b;
/** Boot device (sun4m and PowerPC boards; the pc keeps it in CMOS). */
export const FW_CFG_BOOT_DEVICE = 0x0c;
/** NUMA table: node count, then the node of each APIC ID and the memory of each node, 64 bits each. */
export const FW_CFG_NUMA = 0x0d;
/** 1 when the firmware should offer a boot menu, 16 bits. */
export const FW_CFG_BOOT_MENU = 0x0e;
/** One more than the highest APIC ID the firmware may see, 16 bits. */
export const FW_CFG_MAX_CPUS = 0x0f;
/** Kernel entry point (multiboot and PVH boots), 32 bits. */
export const FW_CFG_KERNEL_ENTRY = 0x10;
/** The protected-mode kernel's bytes. */
export const FW_CFG_KERNEL_DATA = 0x11;
/** The initrd's bytes. */
export const FW_CFG_INITRD_DATA = 0x12;
/** Where the command line goes, 32 bits. */
export const FW_CFG_CMDLINE_ADDR = 0x13;
/** Length of the command line including its NUL, 32 bits. */
export const FW_CFG_CMDLINE_SIZE = 0x14;
/** The command line, NUL-terminated. */
export const FW_CFG_CMDLINE_DATA = 0x15;
/** Where the real-mode setup code goes, 32 bits. */
export const FW_CFG_SETUP_ADDR = 0x16;
/** Size of the real-mode setup code, 32 bits. */
export const FW_CFG_SETUP_SIZE = 0x17;
/** The real-mode setup code with its header patched for this boot. */
export const FW_CFG_SETUP_DATA = 0x18;
/** The file directory: big-endian count, then 64-byte entries. */
export const FW_CFG_FILE_DIR = 0x19;
/** Selector of the first named file; files take consecutive keys in name order. */
export const FW_CFG_FILE_FIRST = 0x20;
/** Fewest file slots a device may have. */
export const FW_CFG_FILE_SLOTS_MIN = 0x10;
/** File slots of current QEMU machine types. */
export const FW_CFG_FILE_SLOTS_DEFAULT = 0x20;
/** Selector bit once used to make an item writable; ignored since QEMU 2.4. */
export const FW_CFG_WRITE_CHANNEL = 0x4000;
/** Selector bit of the architecture's own items. */
export const FW_CFG_ARCH_LOCAL = 0x8000;
/** Bits of a selector that index an item. */
export const FW_CFG_ENTRY_MASK = 0x3fff;

/** x86: ACPI tables given with -acpitable. */
export const FW_CFG_ACPI_TABLES = FW_CFG_ARCH_LOCAL + 0;
/** x86: legacy SMBIOS entries. */
export const FW_CFG_SMBIOS_ENTRIES = FW_CFG_ARCH_LOCAL + 1;
/** x86: 1 when ISA IRQ 0 is routed to I/O APIC pin 2, 32 bits. */
export const FW_CFG_IRQ0_OVERRIDE = FW_CFG_ARCH_LOCAL + 2;
/** x86: HPET blocks, a count byte then eight 15-byte entries; count 255 means none. */
export const FW_CFG_HPET = FW_CFG_ARCH_LOCAL + 4;

/** ID bit: the selector and data ports work. */
export const FW_CFG_VERSION = 0x01;
/** ID bit: the DMA interface works. */
export const FW_CFG_VERSION_DMA = 0x02;

/** DMA control: the transfer failed (set by the device). */
export const FW_CFG_DMA_CTL_ERROR = 0x01;
/** DMA control: copy item bytes into guest memory. */
export const FW_CFG_DMA_CTL_READ = 0x02;
/** DMA control: advance the item offset without copying. */
export const FW_CFG_DMA_CTL_SKIP = 0x04;
/** DMA control: select the item in bits 31:16 first. */
export const FW_CFG_DMA_CTL_SELECT = 0x08;
/** DMA control: copy guest memory into the item (refused for read-only items). */
export const FW_CFG_DMA_CTL_WRITE = 0x10;

/** What the DMA address register reads as: "QEMU CFG". */
export const FW_CFG_DMA_SIGNATURE = "QEMU CFG";
/** Bytes of a file name in the directory, NUL included. */
export const FW_CFG_FILE_NAME_SIZE = 56;
/** Bytes of one directory entry: size, select, reserved, name. */
export const FW_CFG_FILE_ENTRY_SIZE = 64;
