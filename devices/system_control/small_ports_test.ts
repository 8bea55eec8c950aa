import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { RecordingControl } from "../machine_control.ts";
import { PostCodePort } from "./post_code_port.ts";
import { ResetControl } from "./reset_control.ts";

Deno.test("0xCF9: bit 2 requests a reset, bit 1 names it hard or soft, bits 1-3 read back", () => {
  const control = new RecordingControl();
  const rcr = new ResetControl({ control });
  rcr.write(0, 1, 0x02);
  assert.equal(control.resets.length, 0);
  assert.equal(rcr.read(0, 1), 0x02);
  rcr.write(0, 1, 0x06);
  rcr.write(0, 1, 0x04);
  rcr.write(0, 1, 0x0e);
  assert.deepEqual(control.resets, ["0xcf9 hard reset", "0xcf9 soft reset", "0xcf9 hard reset"]);
  assert.equal(rcr.read(0, 1), 0x0e);
  rcr.write(0, 1, 0xf1);
  assert.equal(rcr.read(0, 1), 0x00, "only bits 1-3 are kept");
  rcr.write(0, 2, 0xff06); // a word access forwarded by the PCI host: only the low byte counts
  assert.equal(control.resets.at(-1), "0xcf9 hard reset");
  assert.equal(rcr.read(0, 2), 0xff06);
  rcr.reset();
  assert.equal(rcr.read(0, 1), 0);
});

Deno.test("port 0x80 drops writes for the guest, keeps the POST code, reads 0xFF like QEMU", () => {
  const io = new RangeBus("io", 0x10000);
  const post = new PostCodePort();
  post.register(io);
  io.write(0x80, 1, 0x3c);
  assert.equal(post.lastCode, 0x3c);
  assert.equal(io.read(0x80, 1), 0xff);
  const latched = new PostCodePort({ latchReads: true });
  latched.write(0, 1, 0x77);
  assert.equal(latched.read(0, 1), 0x77);
});
