/**
 * Offsets and bits of the type 0 configuration header (PCI Local Bus
 * Specification 3.0, section 6.1, figure 6-1).
 */

/** Vendor ID, 16 bits. */
export const PCI_VENDOR_ID = 0x00;
/** Device ID, 16 bits. */
export const PCI_DEVICE_ID = 0x02;
/** Command register, 16 bits (section 6.2.2). */
export const PCI_COMMAND = 0x04;
/** Status register, 16 bits (section 6.2.3). */
export const PCI_STATUS = 0x06;
/** Revision ID, 8 bits. */
export const PCI_REVISION_ID = 0x08;
/** Programming interface, the low byte of the 24-bit class code. */
export const PCI_PROG_IF = 0x09;
/** Sub-class and base class, 16 bits (base class in the high byte). */
export const PCI_CLASS_DEVICE = 0x0a;
/** Cache line size, 8 bits. */
export const PCI_CACHE_LINE_SIZE = 0x0c;
/** Latency timer, 8 bits. */
export const PCI_LATENCY_TIMER = 0x0d;
/** Header type, 8 bits; bit 7 marks a multi-function device. */
export const PCI_HEADER_TYPE = 0x0e;
/** First of the six base address registers, 32 bits each. */
export const PCI_BASE_ADDRESS_0 = 0x10;
/** Subsystem vendor ID, 16 bits. */
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
/** Subsystem ID, 16 bits. */
export const PCI_SUBSYSTEM_ID = 0x2e;
/** Expansion ROM base address, 32 bits. */
export const PCI_ROM_ADDRESS = 0x30;
/** Offset of the first capability, 8 bits (section 6.7). */
export const PCI_CAPABILITY_LIST = 0x34;
/** Interrupt line: the IRQ the firmware routed INTx to, 8 bits, written by software. */
export const PCI_INTERRUPT_LINE = 0x3c;
/** Interrupt pin: 0 none, 1..4 INTA#..INTD#, 8 bits, read-only. */
export const PCI_INTERRUPT_PIN = 0x3d;
/** First byte after the standard header: device-specific registers and capabilities. */
export const PCI_CONFIG_HEADER_SIZE = 0x40;
/** Size of a conventional PCI function's configuration space. */
export const PCI_CONFIG_SPACE_SIZE = 0x100;

/** Command bit 0: the function decodes its I/O BARs. */
export const PCI_COMMAND_IO = 0x0001;
/** Command bit 1: the function decodes its memory BARs. */
export const PCI_COMMAND_MEMORY = 0x0002;
/** Command bit 2: the function may master the bus (DMA). */
export const PCI_COMMAND_MASTER = 0x0004;
/** Command bit 10: the function must not drive INTx# (PCI 2.3 and later). */
export const PCI_COMMAND_INTX_DISABLE = 0x0400;

/** Status bit 3: the function's interrupt is pending, whether or not INTx is disabled. */
export const PCI_STATUS_INTERRUPT = 0x0008;
/** Status bit 4: offset 0x34 points at a capability list. */
export const PCI_STATUS_CAP_LIST = 0x0010;
/** Status bits a guest clears by writing 1: parity and abort errors (bits 8, 11-15). */
export const PCI_STATUS_W1C = 0xf900;

/** Header type of an ordinary function (as opposed to a PCI-to-PCI bridge). */
export const PCI_HEADER_TYPE_NORMAL = 0x00;
/** Header-type flag announcing functions 1-7 in the same slot. */
export const PCI_HEADER_TYPE_MULTI_FUNCTION = 0x80;

/** BAR bit 0: the BAR maps I/O space. */
export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
/** BAR bit 3 (memory BARs): the range may be prefetched. */
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;
/** BAR bits 2:1 = 10: a 64-bit memory BAR spanning two registers. */
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;

/** Capability ID of MSI (section 6.8.1). */
export const PCI_CAP_ID_MSI = 0x05;
/** Capability ID of a vendor-specific capability (virtio uses it). */
export const PCI_CAP_ID_VNDR = 0x09;
/** Capability ID of MSI-X (section 6.8.2). */
export const PCI_CAP_ID_MSIX = 0x11;
