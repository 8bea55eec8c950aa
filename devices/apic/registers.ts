// The two pages' addresses, LAPIC_BASE (the IA32_APIC_BASE reset value, SDM
// §10.4.4) and IOAPIC_BASE (the 82093AA default, where QEMU's `pc` machine
// puts it), belong to the machine's physical map: devices/memory/layout.ts.

/** Size of the local APIC's register page. */
export const LAPIC_SIZE = 0x1000;
/** Size of the I/O APIC's MMIO window. */
export const IOAPIC_SIZE = 0x1000;

/** Local APIC ID register; this and the offsets below are within the page (SDM Table 10-1). */
export const APIC_ID = 0x20;
/** Local APIC version register. */
export const APIC_VERSION = 0x30;
/** Task priority register. */
export const APIC_TPR = 0x80;
/** Arbitration priority register. */
export const APIC_APR = 0x90;
/** Processor priority register. */
export const APIC_PPR = 0xa0;
/** End-of-interrupt register. */
export const APIC_EOI = 0xb0;
/** Remote read register (not modelled, reads 0). */
export const APIC_RRD = 0xc0;
/** Logical destination register. */
export const APIC_LDR = 0xd0;
/** Destination format register. */
export const APIC_DFR = 0xe0;
/** Spurious-interrupt vector register. */
export const APIC_SVR = 0xf0;
/** In-service register, eight 32-bit words at 16-byte strides. */
export const APIC_ISR = 0x100;
/** Trigger mode register, eight words. */
export const APIC_TMR = 0x180;
/** Interrupt request register, eight words. */
export const APIC_IRR = 0x200;
/** Error status register. */
export const APIC_ESR = 0x280;
/** Interrupt command register, low half (a write sends the IPI). */
export const APIC_ICR_LOW = 0x300;
/** Interrupt command register, high half (destination). */
export const APIC_ICR_HIGH = 0x310;
/** LVT timer register. */
export const APIC_LVT_TIMER = 0x320;
/** LVT thermal sensor register. */
export const APIC_LVT_THERMAL = 0x330;
/** LVT performance monitoring counters register. */
export const APIC_LVT_PERF = 0x340;
/** LVT LINT0 register. */
export const APIC_LVT_LINT0 = 0x350;
/** LVT LINT1 register. */
export const APIC_LVT_LINT1 = 0x360;
/** LVT error register. */
export const APIC_LVT_ERROR = 0x370;
/** Timer initial count register. */
export const APIC_TIMER_INITIAL = 0x380;
/** Timer current count register. */
export const APIC_TIMER_CURRENT = 0x390;
/** Timer divide configuration register. */
export const APIC_TIMER_DIVIDE = 0x3e0;

/**
 * Version register value: version 0x14 (an integrated xAPIC of the P6 /
 * Pentium 4 era, QEMU's default) with max LVT entry 5, i.e. six LVT
 * registers; bit 24 (EOI-broadcast suppression) is not offered.
 */
export const LAPIC_VERSION_VALUE = 0x00050014;

/** LVT and redirection-entry field: the vector, bits 7:0. */
export const VECTOR_MASK = 0xff;
/** LVT delivery status (read-only, 1 = send pending). */
export const LVT_DELIVERY_PENDING = 1 << 12;
/** LVT LINTn remote IRR (read-only). */
export const LVT_REMOTE_IRR = 1 << 14;
/** LVT LINTn trigger mode: 1 = level. */
export const LVT_LEVEL = 1 << 15;
/** LVT mask bit: 1 = the source is inhibited. */
export const LVT_MASKED = 1 << 16;
/** LVT timer mode bit 17: 1 = periodic, 0 = one-shot (SDM §10.5.4). */
export const LVT_TIMER_PERIODIC = 1 << 17;

/** Delivery modes of LVT entries, IPIs, MSIs and redirection entries (SDM §10.5.1, §10.6.1). */
export const DeliveryMode = {
  FIXED: 0,
  LOWEST_PRIORITY: 1,
  SMI: 2,
  NMI: 4,
  INIT: 5,
  STARTUP: 6,
  EXTINT: 7,
} as const;

/** Spurious-interrupt vector register: bit 8 enables the APIC in software (SDM §10.9). */
export const SVR_ENABLE = 1 << 8;
/** SVR bit 9: focus processor checking disabled (kept, no effect with one CPU). */
export const SVR_FOCUS_DISABLED = 1 << 9;

/** ESR bit 5: an IPI with a vector below 16 was sent (SDM §10.5.3). */
export const ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
/** ESR bit 6: an interrupt with a vector below 16 was received. */
export const ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
/** ESR bit 7: software accessed a register that does not exist. */
export const ESR_ILLEGAL_REGISTER = 1 << 7;

/** IA32_APIC_BASE (MSR 0x1B) bit 8: this is the bootstrap processor. */
export const APIC_BASE_BSP = 1 << 8;
/** IA32_APIC_BASE bit 11: the local APIC is enabled in hardware. */
export const APIC_BASE_ENABLE = 1 << 11;

/** I/O APIC direct registers: the index register at 0x00, the data window at 0x10. */
export const IOREGSEL = 0x00;
/** I/O APIC data window. */
export const IOWIN = 0x10;
/** I/O APIC EOI register (version 0x20 and later): a vector written here ends level interrupts. */
export const IOEOI = 0x40;
/** I/O APIC indirect register: identification. */
export const IOAPICID = 0x00;
/** I/O APIC indirect register: version. */
export const IOAPICVER = 0x01;
/** I/O APIC indirect register: arbitration ID. */
export const IOAPICARB = 0x02;
/** I/O APIC indirect register: first redirection table word (entry n at 0x10 + 2n). */
export const IOREDTBL = 0x10;
/** Number of I/O APIC input pins (82093AA). */
export const IOAPIC_PINS = 24;
/**
 * I/O APIC version register value: version 0x20 (the ICH-class I/O APIC with an EOI register,
 * QEMU's default), maximum redirection entry 23.
 */
export const IOAPIC_VERSION_VALUE = 0x00170020;

/** Redirection entry bit 11: logical destination mode. */
export const REDIR_LOGICAL = 1 << 11;
/** Redirection entry bit 12: delivery status (read-only). */
export const REDIR_DELIVERY_PENDING = 1 << 12;
/** Redirection entry bit 13: input active low. */
export const REDIR_ACTIVE_LOW = 1 << 13;
/** Redirection entry bit 14: remote IRR, set while a level interrupt is in service. */
export const REDIR_REMOTE_IRR = 1 << 14;
/** Redirection entry bit 15: level-triggered. */
export const REDIR_LEVEL = 1 << 15;
/** Redirection entry bit 16: masked. */
export const REDIR_MASKED = 1 << 16;
