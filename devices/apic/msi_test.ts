import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { apicRig } from "./_test_rig.ts";
import {
  decodeMsi,
  encodeMsi,
  isMsiAddress,
  MSI_ADDRESS_BASE,
  MSI_WINDOW_SIZE,
  msiBusHandler,
} from "./msi.ts";
import { APIC_LVT_LINT0, APIC_TMR, DeliveryMode } from "./registers.ts";

Deno.test("encodeMsi and decodeMsi follow the SDM §10.11 address and data layout", () => {
  const message = {
    destination: 0x12,
    logical: true,
    vector: 0x9a,
    deliveryMode: DeliveryMode.LOWEST_PRIORITY,
    level: true,
  };
  const { address, data } = encodeMsi(message);
  assert.equal(address, 0xfee12004);
  assert.equal(data, 0xc19a, "level-triggered messages are sent asserted (bit 14)");
  assert.deepEqual(decodeMsi(address, data), message);
  assert.equal(isMsiAddress(0xfeeff00c), true);
  assert.equal(isMsiAddress(0xfed00000), false);
});

Deno.test("an MSI-X write through the device-side window lands in the local APIC's IRR", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700);
  const dma = new RangeBus("pci-dma", 2 ** 32);
  dma.register(MSI_ADDRESS_BASE, MSI_WINDOW_SIZE, msiBusHandler(r.lapic));
  dma.write(0xfee00000, 4, 0x41);
  dma.write(0xfee00000, 2, 0x42); // not a DWORD: not a message
  dma.write(0xfee0f000, 4, 0x8000 | 0x51); // level trigger from another destination ID
  assert.equal(dma.read(0xfee00000, 4), 0);
  assert.equal(r.read(APIC_TMR + 0x20), 1 << 0x11, "vector 0x51 recorded as level-triggered");
  assert.deepEqual(r.takeAll(), [0x51]);
  r.write(0xb0, 0);
  assert.deepEqual(r.takeAll(), [0x41]);
});
