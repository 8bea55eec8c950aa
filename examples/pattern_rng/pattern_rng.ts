/**
 * An example third-party device plugin: `pattern-rng-pci`, a virtio entropy device (virtio
 * type 4, so Linux's virtio-rng driver binds it) that hands out a repeating byte pattern
 * instead of randomness. Useless for security, handy for seeing a plugin work end to end:
 * `head -c 16 /dev/hwrng | od -An -tx1` in the guest shows the pattern.
 *
 * Run it:
 *   deno task vmm --plugin examples/pattern_rng/pattern_rng.ts \
 *     -device pattern-rng-pci,pattern=0xa5 ...
 */

import { defineDevice } from "../../plugins/sdk/mod.ts";

export default defineDevice({
  name: "pattern-rng-pci",
  description: "virtio-rng that returns a fixed byte pattern (example plugin)",
  category: "Misc",
  deviceId: 4,
  pciClass: 0x00ff,
  queueSizes: [64],
  properties: {
    pattern: { type: "u8", default: 0x5a, help: "the first byte; each next byte adds one" },
  },
  backend(props, env) {
    let next = Number(props.pattern) & 0xff;
    return {
      activate() {},
      notify(index) {
        const queue = env.queue(index);
        for (let chain = queue.pop(); chain; chain = queue.pop()) {
          const bytes = new Uint8Array(chain.writableLength());
          for (let i = 0; i < bytes.length; i++) bytes[i] = (next + i) & 0xff;
          next = (next + bytes.length) & 0xff;
          queue.addUsed(chain.head, chain.copyToWritable(bytes));
        }
        env.signalUsed(index);
      },
      reset() {},
    };
  },
});
