import { PCI_CONFIG_HEADER_SIZE, PCI_CONFIG_SPACE_SIZE } from "./config_regs.ts";
import { PciFunction } from "./pci_function.ts";

/** Intel's PCI vendor ID. */
export const PCI_VENDOR_ID_INTEL = 0x8086;
/** Device ID of the 82441FX PCI and memory controller (i440FX host bridge). */
export const PCI_DEVICE_ID_I440FX = 0x1237;
/** Class code of a host bridge (base class 06h, sub-class 00h). */
export const PCI_CLASS_BRIDGE_HOST = 0x0600;
/** SMRAM control register of the 82441FX; 02h selects the default SMRAM segment. */
const I440FX_SMRAM = 0x72;

/**
 * The i440FX host bridge as QEMU's `pc` machine presents it at 00:00.0: Intel
 * 82441FX, revision 02h. Its device-specific registers (PAM shadow control at
 * 59h-5Fh, SMRAM at 72h) hold what firmware writes but do not remap memory;
 * a board that needs shadow RAM watches them with `watchConfig`.
 */
export class I440fx extends PciFunction {
  /** Builds the bridge in its power-on state. */
  constructor() {
    super({
      name: "i440FX",
      vendorId: PCI_VENDOR_ID_INTEL,
      deviceId: PCI_DEVICE_ID_I440FX,
      revision: 0x02,
      classCode: PCI_CLASS_BRIDGE_HOST,
    });
    for (let o = PCI_CONFIG_HEADER_SIZE; o < PCI_CONFIG_SPACE_SIZE; o++) {
      this.setWriteMask(o, 1, 0xff);
    }
    this.#defaults();
  }

  /** Returns the header and the chipset registers to their power-on values. */
  override reset(): void {
    super.reset();
    this.#defaults();
  }

  #defaults(): void {
    for (let o = PCI_CONFIG_HEADER_SIZE; o < PCI_CONFIG_SPACE_SIZE; o += 4) this.setConfig(o, 4, 0);
    this.setConfig(I440FX_SMRAM, 1, 0x02);
  }
}
