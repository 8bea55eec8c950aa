import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { ManualClock } from "../clock.ts";
import { TimerQueue } from "../timer_queue.ts";
import { LocalApic } from "./local_apic.ts";
import { APIC_ICR_LOW, APIC_SVR } from "./registers.ts";
import { LAPIC_BASE } from "../memory/layout.ts";

function apicWithNmi() {
  const clock = new ManualClock();
  let nmis = 0;
  const apic = new LocalApic({
    clock,
    timers: new TimerQueue(clock),
    pic: { hasInterrupt: () => false, acknowledge: () => 0 },
    nmi: () => void nmis++,
  });
  const mmio = new RangeBus("mmio", 2 ** 32);
  apic.register(mmio);
  mmio.write(LAPIC_BASE + APIC_SVR, 4, 0x1ff); // software enable
  return { apic, mmio, nmis: () => nmis };
}

Deno.test("an NMI self-IPI raises the CPU's NMI input instead of setting a vector in IRR", () => {
  const { apic, mmio, nmis } = apicWithNmi();
  mmio.write(LAPIC_BASE + APIC_ICR_LOW, 4, (1 << 18) | (4 << 8)); // shorthand self, delivery NMI
  assert.equal(nmis(), 1);
  assert.equal(apic.hasInterrupt(), false);
});

Deno.test("an MSI with NMI delivery mode raises the NMI input", () => {
  const { apic, nmis } = apicWithNmi();
  apic.deliverMsi(0xfee00000, 4 << 8);
  assert.equal(nmis(), 1);
});

Deno.test("an NMI IPI sent to all but self does not reach this CPU", () => {
  const { mmio, nmis } = apicWithNmi();
  mmio.write(LAPIC_BASE + APIC_ICR_LOW, 4, (3 << 18) | (4 << 8));
  assert.equal(nmis(), 0);
});
