/**
 * A test device: every request on queue 0 is answered with its bytes reversed. Configuration
 * space: u32 requests served, u32 scratch (writable), then the `greeting` property's bytes.
 */

import { defineDevice } from "../../sdk/mod.ts";
import { reverse } from "./_reverse.ts";

export default defineDevice({
  name: "test-echo-pci",
  description: "reverses what it is sent",
  category: "Misc",
  deviceId: 0x3f,
  queueSizes: [64],
  configSize: 24,
  properties: {
    greeting: { type: "string", default: "hello" },
  },
  backend(props, env) {
    let served = 0;
    new TextEncoder().encodeInto(String(props.greeting).slice(0, 16), env.config.subarray(8));
    return {
      activate() {},
      notify(index) {
        const queue = env.queue(index);
        for (let chain = queue.pop(); chain; chain = queue.pop()) {
          const request = new Uint8Array(chain.readableLength());
          chain.copyFromReadable(request);
          queue.addUsed(chain.head, chain.copyToWritable(reverse(request)));
          served++;
        }
        env.configView.setUint32(0, served, true);
        env.signalUsed(index);
      },
      reset() {},
      writeConfig(offset, size, value) {
        if (offset === 4 && size === 4) env.configView.setUint32(4, value, true);
      },
    };
  },
});
