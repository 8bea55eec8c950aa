/** A test device that misbehaves, as its `fault` property says, when queue 0 is notified. */

import { defineDevice } from "../../sdk/mod.ts";

const keep: unknown[] = [];

export default defineDevice({
  name: "test-faulty-pci",
  category: "Misc",
  deviceId: 0x3d,
  queueSizes: [16],
  configSize: 4,
  properties: {
    fault: {
      type: "enum",
      values: [
        "none",
        "start-throw",
        "throw",
        "loop",
        "heap",
        "buffers",
        "busy-buffers",
        "late-throw",
        "exit",
      ],
      default: "none",
    },
  },
  backend(props, env) {
    if (props.fault === "start-throw") throw new Error("cannot start");
    return {
      activate() {},
      notify(index) {
        switch (props.fault) {
          case "throw":
            throw new Error("a plugin bug");
          case "loop":
            // Counts in configuration space, so the VMM can see whether it still runs.
            for (let i = 0;; i++) env.configView.setUint32(0, i, true);
          case "heap":
            for (let i = 0;; i++) keep.push({ i, text: `entry ${i}` });
          case "buffers":
            setInterval(() => keep.push(new Uint8Array(16 << 20).fill(1)), 20);
            return;
          case "busy-buffers":
            for (;;) keep.push(new Uint8Array(16 << 20).fill(1));
          case "late-throw":
            setTimeout(() => {
              throw new Error("a late plugin bug");
            }, 0);
            return;
          case "exit":
            Deno.exit(3);
        }
        // "none": an echo-less device that completes every request empty.
        const queue = env.queue(index);
        for (let chain = queue.pop(); chain; chain = queue.pop()) queue.addUsed(chain.head, 0);
        env.signalUsed(index);
      },
      reset() {},
    };
  },
});
