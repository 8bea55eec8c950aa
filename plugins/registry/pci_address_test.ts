import assert from "node:assert/strict";
import { formatPciAddress, parsePciAddress, pciDevfn } from "./pci_address.ts";

Deno.test("addr is 'slot' or 'slot.func' in hex", () => {
  assert.deepEqual(parsePciAddress("3"), { slot: 3, func: 0 });
  assert.deepEqual(parsePciAddress("03.1"), { slot: 3, func: 1 });
  assert.deepEqual(parsePciAddress("1f.7"), { slot: 31, func: 7 });
  assert.deepEqual(parsePciAddress("0x10"), { slot: 16, func: 0 });
  assert.deepEqual(parsePciAddress("a"), { slot: 10, func: 0 });
});

Deno.test("addr refuses slots past 31, functions past 7 and trailing text", () => {
  for (const text of ["20", "3.8", "3.", "3.x", "3 .1", "", "zz", "-1", "3.1.2", "3,1"]) {
    assert.equal(parsePciAddress(text), undefined, text);
  }
});

Deno.test("devfn packs slot and function as configuration mechanism #1 does", () => {
  assert.equal(pciDevfn({ slot: 3, func: 1 }), 0x19);
  assert.equal(formatPciAddress({ slot: 0x1f, func: 7 }), "1f.7");
  assert.equal(formatPciAddress({ slot: 3, func: 0 }), "03.0");
});
