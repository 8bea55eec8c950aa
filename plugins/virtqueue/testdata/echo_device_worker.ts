/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/**
 * A device backend in its own Worker, as plugins run: it answers each request by writing the
 * request's bytes reversed into the writable part. Kicks arrive on doorbell word 0; used-buffer
 * notifications go out on word 1, only when the queue says they are due.
 */

import { Virtqueue } from "../virtqueue.ts";
import type { RingLayout } from "../ring_layout.ts";

interface Start {
  buffer: SharedArrayBuffer;
  ramSize: number;
  size: number;
  layout: RingLayout;
  eventIdx: boolean;
  total: number;
  bells: SharedArrayBuffer;
}

self.onmessage = (event: MessageEvent<Start>) => {
  const { buffer, ramSize, size, layout, eventIdx, total } = event.data;
  const ram = { u8: new Uint8Array(buffer), view: new DataView(buffer), size: ramSize };
  const queue = new Virtqueue(ram, size, { eventIdx });
  queue.setLayout(layout);
  const bells = new Int32Array(event.data.bells);
  let done = 0;
  let kicks = 0;
  let lostKicks = 0;
  while (done < total) {
    // Sleep until a kick. The timeout only keeps a broken protocol from hanging the test: work
    // found after a timed-out wait is a kick the driver should have sent and did not.
    const woke = Atomics.wait(bells, 0, kicks, 1000);
    kicks = Atomics.load(bells, 0);
    if (woke === "timed-out" && queue.pending() > 0) lostKicks++;
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      const request = new Uint8Array(chain.readableLength());
      chain.copyFromReadable(request);
      queue.addUsed(chain.head, chain.copyToWritable(request.reverse()));
      done++;
    }
    if (queue.needsNotification()) {
      Atomics.add(bells, 1, 1);
      Atomics.notify(bells, 1);
    }
  }
  self.postMessage({ done, lostKicks });
};
