import type { AccessSize } from "../bus/mod.ts";
import type { PhysicalMemory } from "../memory/mod.ts";

/**
 * The interrupt set-up a PC BIOS leaves behind for an OS booted with -kernel, as SeaBIOS does
 * under QEMU: both 8259s initialised with vectors 08h–0Fh and 70h–77h, IRQ0 (the timer) and
 * the cascade unmasked, counter 0 of the 8254 counting at 18.2 Hz, and an interrupt vector
 * table whose handlers acknowledge hardware interrupts. Guests that stay in real mode rely on
 * it: kvm-unit-tests' realmode test waits in HLT for the timer tick, which, with an
 * uninitialised 8259, would arrive as vector 0 and never be acknowledged.
 *
 * The handlers sit at the IBM-compatible addresses in segment F000: F000:FF53 is the default
 * IRET and F000:FEA5 the INT 08h timer handler (which counts ticks in the BIOS data area at
 * 0040:006C and calls INT 1Ch). Addresses measured on QEMU 7.2 with SeaBIOS: the same two
 * entry points, master mask B8h and slave mask 8Eh; here only the lines this board drives
 * for every guest are unmasked.
 */

/** The BIOS segment holding the handlers. */
const BIOS_SEGMENT = 0xf000;
const BIOS_BASE = BIOS_SEGMENT << 4;
/** IBM-compatible entry points (offsets in BIOS_SEGMENT). */
export const DEFAULT_IRET = 0xff53, TIMER_HANDLER = 0xfea5;
/** End-of-interrupt stubs for the other hardware vectors (offsets in BIOS_SEGMENT). */
export const EOI_MASTER_HANDLER = 0xff00, EOI_BOTH_HANDLER = 0xff08;

/** Vector bases as a PC BIOS programs them (ICW2). */
export const MASTER_VECTOR_BASE = 0x08, SLAVE_VECTOR_BASE = 0x70;
/** IMR values left behind: IRQ0 and the cascade (IRQ2) open, everything else masked. */
export const MASTER_MASK = 0xfa, SLAVE_MASK = 0xff;

/** BIOS data area: timer ticks since midnight (dword) and the midnight flag. */
const BDA_TICKS = 0x46c, BDA_MIDNIGHT = 0x470;
/** Ticks in 24 hours at 1193182 / 65536 Hz. */
const TICKS_PER_DAY = 0x1800b0;

const le16 = (v: number) => [v & 0xff, v >> 8];
const le32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];

/** INT 08h: count the tick, flag midnight, INT 1Ch, EOI (real-mode code). */
// deno-fmt-ignore
const TIMER_CODE = [
  0x1e,                                                             // push ds
  0x66, 0x50,                                                       // push eax
  0x31, 0xc0,                                                       // xor ax, ax
  0x8e, 0xd8,                                                       // mov ds, ax
  0x66, 0xff, 0x06, ...le16(BDA_TICKS),                             // inc dword [BDA_TICKS]
  0x66, 0x81, 0x3e, ...le16(BDA_TICKS), ...le32(TICKS_PER_DAY),     // cmp dword [BDA_TICKS], day
  0x72, 0x0e,                                                       // jb .tick (14 bytes on)
  0x66, 0xc7, 0x06, ...le16(BDA_TICKS), ...le32(0),                 // mov dword [BDA_TICKS], 0
  0xc6, 0x06, ...le16(BDA_MIDNIGHT), 0x01,                          // mov byte [BDA_MIDNIGHT], 1
  0xcd, 0x1c,                                                       // .tick: int 1Ch
  0xb0, 0x20,                                                       // mov al, 20h (EOI)
  0xe6, 0x20,                                                       // out 20h, al
  0x66, 0x58,                                                       // pop eax
  0x1f,                                                             // pop ds
  0xcf,                                                             // iret
];

/** IRQ1–7: non-specific EOI to the master. */
const EOI_MASTER_CODE = [0x50, 0xb0, 0x20, 0xe6, 0x20, 0x58, 0xcf];
/** IRQ8–15: non-specific EOI to the slave, then to the master. */
const EOI_BOTH_CODE = [0x50, 0xb0, 0x20, 0xe6, 0xa0, 0xe6, 0x20, 0x58, 0xcf];

/** The real-mode handler every vector of the table points to (offset in segment F000). */
export function handlerFor(vector: number): number {
  if (vector === MASTER_VECTOR_BASE) return TIMER_HANDLER;
  if (vector > MASTER_VECTOR_BASE && vector < MASTER_VECTOR_BASE + 8) return EOI_MASTER_HANDLER;
  if (vector >= SLAVE_VECTOR_BASE && vector < SLAVE_VECTOR_BASE + 8) return EOI_BOTH_HANDLER;
  return DEFAULT_IRET;
}

/** Writes the handlers into segment F000 and points all 256 vectors at them. */
export function writeInterruptVectorTable(mem: PhysicalMemory): void {
  mem.writeBytes(BIOS_BASE + TIMER_HANDLER, new Uint8Array(TIMER_CODE));
  mem.writeBytes(BIOS_BASE + EOI_MASTER_HANDLER, new Uint8Array(EOI_MASTER_CODE));
  mem.writeBytes(BIOS_BASE + EOI_BOTH_HANDLER, new Uint8Array(EOI_BOTH_CODE));
  mem.write8(BIOS_BASE + DEFAULT_IRET, 0xcf);
  for (let v = 0; v < 256; v++) mem.write32(v * 4, (BIOS_SEGMENT << 16) | handlerFor(v));
}

/** Something that takes port writes: the board's I/O bus. */
export interface PortWriter {
  write(port: number, size: AccessSize, value: number): void;
}

/**
 * Programs the 8259 pair (edge triggered, cascaded on IRQ2, 8086 mode) and counter 0 of the
 * 8254 (mode 2, divisor 65536) as a BIOS POST does.
 */
export function programInterruptControllers(io: PortWriter): void {
  const out = (port: number, v: number) => io.write(port, 1, v);
  out(0x20, 0x11); // ICW1: edge, cascade, ICW4 follows
  out(0x21, MASTER_VECTOR_BASE); // ICW2
  out(0x21, 0x04); // ICW3: slave on IRQ2
  out(0x21, 0x01); // ICW4: 8086 mode
  out(0xa0, 0x11);
  out(0xa1, SLAVE_VECTOR_BASE);
  out(0xa1, 0x02); // ICW3: cascade identity 2
  out(0xa1, 0x01);
  out(0x21, MASTER_MASK);
  out(0xa1, SLAVE_MASK);
  out(0x43, 0x34); // counter 0, low then high byte, mode 2, binary
  out(0x40, 0);
  out(0x40, 0);
}
