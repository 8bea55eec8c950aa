/**
 * `virtio-balloon-pci` (also `virtio-balloon`): the memory balloon (virtio 1.1 §5.5), as QEMU's
 * hw/virtio/virtio-balloon.c behaves toward a guest. The device asks for `num_pages` pages; the
 * driver hands pages over on inflateq, takes them back on deflateq and reports how many it
 * holds in `actual`. Statistics come on statsq (VIRTIO_BALLOON_F_STATS_VQ, always offered, as
 * QEMU does).
 *
 * QEMU sets the target at run time with the monitor's `balloon` command. deno-vmm has no
 * monitor: the `num-pages` property (a deno-vmm extension, not a QEMU property) sets it when
 * the device starts, and it stays 0 (no balloon) by default.
 *
 * @module
 */

import { defineDevice, type DeviceHandlers, featureBit, hasFeature } from "../sdk/mod.ts";
import { BALLOON_PAGE_SIZE, BalloonPages, chainPfns } from "./_virtio_balloon_pages.ts";
import { BalloonStats, STATSQ } from "./_virtio_balloon_stats.ts";

/** §5.5.3: the host must be told before the guest uses deflated pages (not offered). */
export const VIRTIO_BALLOON_F_MUST_TELL_HOST = 0;
/** §5.5.3: statsq is present. */
export const VIRTIO_BALLOON_F_STATS_VQ = 1;
/** §5.5.3: the guest deflates the balloon when it runs out of memory. */
export const VIRTIO_BALLOON_F_DEFLATE_ON_OOM = 2;

/** §5.5.2: inflateq. */
export const INFLATEQ = 0;
/** §5.5.2: deflateq. */
export const DEFLATEQ = 1;

/** Field offsets of `struct virtio_balloon_config` (§5.5.4). */
export const BALLOON_CONFIG = { numPages: 0, actual: 4 } as const;
/**
 * QEMU's configuration size without free page hinting or page poisoning: `num_pages` and
 * `actual` (hw/virtio/virtio-balloon.c, `virtio_balloon_config_size`).
 */
export const BALLOON_CONFIG_SIZE = 8;

/** QEMU's queue size for inflateq, deflateq and statsq. */
const QUEUE_SIZE = 128;
/** PCI_CLASS_MEMORY_RAM, as the 2009 transport gives the balloon. */
const CLASS_MEMORY_RAM = 0x0500;

/** The virtio-balloon device type: its default export is what `loadPlugin` reads. */
export default defineDevice({
  name: "virtio-balloon-pci",
  aliases: ["virtio-balloon"],
  category: "Misc",
  deviceId: 5,
  pciClass: CLASS_MEMORY_RAM,
  features: (props) =>
    featureBit(VIRTIO_BALLOON_F_STATS_VQ) |
    (props["deflate-on-oom"] ? featureBit(VIRTIO_BALLOON_F_DEFLATE_ON_OOM) : 0n),
  queueSizes: [QUEUE_SIZE, QUEUE_SIZE, QUEUE_SIZE],
  configSize: BALLOON_CONFIG_SIZE,
  properties: {
    "deflate-on-oom": {
      type: "bool",
      default: false,
      help: "offer VIRTIO_BALLOON_F_DEFLATE_ON_OOM (the guest deflates when it runs out of memory)",
    },
    "guest-stats-polling-interval": {
      type: "u32",
      default: 0,
      help: "seconds between requests for guest statistics, logged as they come (0 = never)",
    },
    "num-pages": {
      type: "u32",
      default: 0,
      help: "pages of 4 KiB the balloon asks the guest for (deno-vmm extension; QEMU's monitor " +
        "'balloon' command sets this at run time)",
    },
  },
  backend(props, env) {
    const pages = new BalloonPages(env.memory.size);
    const target = props["num-pages"] ?? 0;
    if (target > pages.ramPages) {
      throw new Error(
        `num-pages ${target} is more than the guest's RAM (${pages.ramPages} pages of ` +
          `${BALLOON_PAGE_SIZE} bytes)`,
      );
    }
    const view = env.configView;
    view.setUint32(BALLOON_CONFIG.numPages, target, true);
    view.setUint32(BALLOON_CONFIG.actual, 0, true);
    const stats = new BalloonStats(env, props["guest-stats-polling-interval"] ?? 0);
    let active = false;
    let withStats = false;

    /** Pops every chain of an inflate or deflate queue and records its PFNs. */
    const serve = (index: number, record: (pfns: Iterable<number>) => number) => {
      const queue = env.queue(index);
      let returned = 0;
      for (let chain = queue.pop(); chain; chain = queue.pop()) {
        record(chainPfns(chain, pages.ramPages));
        // §5.5.6: the device writes nothing into these buffers.
        queue.addUsed(chain.head, 0);
        returned++;
      }
      if (returned > 0) env.signalUsed(index);
    };

    const handlers: DeviceHandlers = {
      activate(features) {
        active = true;
        withStats = hasFeature(features, VIRTIO_BALLOON_F_STATS_VQ);
      },
      notify(index) {
        if (!active) return;
        if (index === INFLATEQ) serve(index, (pfns) => pages.inflate(pfns));
        else if (index === DEFLATEQ) serve(index, (pfns) => pages.deflate(pfns));
        else if (index === STATSQ && withStats) stats.notify();
      },
      reset() {
        // A reset driver starts over with all its memory: the balloon is empty again.
        active = false;
        pages.clear();
        stats.reset();
        view.setUint32(BALLOON_CONFIG.actual, 0, true);
      },
      writeConfig(offset, size, value) {
        // §5.5.4: `actual` is the driver's to write; `num_pages` is read-only for it.
        for (let i = 0; i < size; i++) {
          const at = offset + i;
          if (at < BALLOON_CONFIG.actual || at >= BALLOON_CONFIG_SIZE) continue;
          view.setUint8(at, (value >>> (8 * i)) & 0xff);
        }
      },
    };
    return handlers;
  },
});
