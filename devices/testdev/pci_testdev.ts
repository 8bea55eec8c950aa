import type { AccessSize, BusHandler } from "../bus/access.ts";
import { PciFunction } from "../pci/pci_function.ts";

/** Red Hat's PCI vendor ID, used for QEMU's own devices. */
export const PCI_VENDOR_ID_REDHAT = 0x1b36;
/** Device ID of `pci-testdev`. */
export const PCI_DEVICE_ID_REDHAT_TEST = 0x0005;
/** Class "other" (sub-class 0xff of base class 0), QEMU's PCI_CLASS_OTHERS. */
export const PCI_CLASS_OTHERS = 0x00ff;
/** Bytes decoded by BAR0, the memory BAR (QEMU's IOTEST_MEMSIZE * 2). */
export const PCI_TESTDEV_MEM_SIZE = 4096;
/** Ports decoded by BAR1, the I/O BAR (QEMU's IOTEST_IOSIZE * 2). */
export const PCI_TESTDEV_IO_SIZE = 256;

/** Offsets in the test header (QEMU's PCITestDevHdr). */
export const TESTDEV_HDR = {
  /** Byte: write a test number to start it; reads the running test's number. */
  test: 0,
  /** Byte: access width the test expects, always 1. */
  width: 1,
  /** 32 bits: offset in the BAR whose writes the test counts. */
  offset: 4,
  /** Byte: value a data-matching test expects. */
  data: 8,
  /** 32 bits: writes counted since the test started. */
  count: 12,
  /** NUL-terminated test name. */
  name: 16,
} as const;

/** Value data-matching tests count. */
const DATAMATCH = 0xfa;
/** Value the wildcard test advertises (any value counts). */
const NOMATCH = 0xce;
/** Test kinds, in QEMU's order; a BAR's test n is kind n. */
const KINDS = ["no-eventfd", "wildcard-eventfd", "datamatch-eventfd"] as const;

interface IoTest {
  /** Header bytes followed by the name and its NUL. */
  hdr: Uint8Array;
  /** Whether only writes of DATAMATCH count. */
  matchData: boolean;
}

/**
 * QEMU's `pci-testdev` (hw/misc/pci-testdev.c), which kvm-unit-tests uses to
 * time and check port and memory exits: BAR0 (4 KiB memory) and BAR1 (256
 * I/O ports) each run three tests. Writing n (0-2) to offset 0 starts the
 * BAR's test n and zeroes its count; reads of either BAR return the running
 * test's header (test, width, offset, data, count, name); byte writes to the
 * header's offset, of its data value unless it is the wildcard test, add one
 * to the count. Other values stop the test, after which reads return 0.
 *
 * QEMU registers an ioeventfd for the two eventfd tests, which swallows the
 * matching writes (the count stays 0 and drivers accept that). There are no
 * eventfds here, so those writes reach the device and are counted like the
 * no-eventfd test's, which drivers equally accept.
 *
 * Both BARs take accesses one byte at a time (QEMU's impl.max_access_size 1),
 * so a wider access is several byte accesses.
 */
export class PciTestdev extends PciFunction {
  readonly #tests: IoTest[] = [];
  /** Index of the running test (mmio tests 0-2, portio tests 3-5), or -1. */
  #current = -1;

  /** Creates the function with QEMU's IDs and both BARs, unplaced. */
  constructor() {
    super({
      name: "pci-testdev",
      vendorId: PCI_VENDOR_ID_REDHAT,
      deviceId: PCI_DEVICE_ID_REDHAT_TEST,
      classCode: PCI_CLASS_OTHERS,
      // QEMU's defaults for a device that names no subsystem.
      subsystemVendorId: 0x1af4,
      subsystemId: 0x1100,
    });
    ["mmio", "portio"].forEach((type, t) => {
      const size = t === 0 ? PCI_TESTDEV_MEM_SIZE / 2 : PCI_TESTDEV_IO_SIZE / 2;
      KINDS.forEach((kind, k) => {
        const i = t * KINDS.length + k;
        const name = new TextEncoder().encode(`${type}-${kind}`);
        const hdr = new Uint8Array(TESTDEV_HDR.name + name.length + 1);
        const dv = new DataView(hdr.buffer);
        const matchData = kind !== "wildcard-eventfd";
        hdr[TESTDEV_HDR.test] = i;
        hdr[TESTDEV_HDR.width] = 1;
        // Each test watches its own byte in the upper half of its BAR.
        dv.setUint32(TESTDEV_HDR.offset, size + i, true);
        hdr[TESTDEV_HDR.data] = matchData ? DATAMATCH : NOMATCH;
        hdr.set(name, TESTDEV_HDR.name);
        this.#tests.push({ hdr, matchData });
      });
    });
    this.defineBar(0, {
      kind: "mem32",
      size: PCI_TESTDEV_MEM_SIZE,
      handler: this.#handler("pci-testdev-mmio", 0),
    });
    this.defineBar(1, {
      kind: "io",
      size: PCI_TESTDEV_IO_SIZE,
      handler: this.#handler("pci-testdev-portio", 1),
    });
  }

  /** The running test's name, or undefined when none runs. */
  get currentTest(): string | undefined {
    const t = this.#tests[this.#current];
    return t && new TextDecoder().decode(t.hdr.subarray(TESTDEV_HDR.name, t.hdr.length - 1));
  }

  /** Stops the running test, besides the standard header reset. */
  override reset(): void {
    super.reset();
    this.#current = -1;
  }

  #handler(name: string, type: number): BusHandler {
    return {
      name,
      sizes: 1,
      read: (offset: number, _size: AccessSize): number => this.#read(offset),
      write: (offset: number, _size: AccessSize, value: number): void => {
        this.#write(type, offset, value & 0xff);
      },
    };
  }

  #read(offset: number): number {
    const test = this.#tests[this.#current];
    // QEMU answers 0 from addr + size >= bufsize, so the name's NUL reads 0 too.
    if (!test || offset + 1 >= test.hdr.length) return 0;
    return test.hdr[offset];
  }

  #write(type: number, offset: number, value: number): void {
    if (offset === TESTDEV_HDR.test) {
      this.#current = -1;
      if (value >= KINDS.length) return;
      const t = type * KINDS.length + value;
      new DataView(this.#tests[t].hdr.buffer).setUint32(TESTDEV_HDR.count, 0, true);
      this.#current = t;
      return;
    }
    const test = this.#tests[this.#current];
    if (!test) return;
    const dv = new DataView(test.hdr.buffer);
    if (offset !== dv.getUint32(TESTDEV_HDR.offset, true)) return;
    if (test.matchData && value !== test.hdr[TESTDEV_HDR.data]) return;
    dv.setUint32(TESTDEV_HDR.count, (dv.getUint32(TESTDEV_HDR.count, true) + 1) >>> 0, true);
  }
}
