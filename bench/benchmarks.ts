/**
 * Every benchmark, registered in the order they run and are reported.
 *
 * @module
 */

import "./memcpy.ts";
import "./virtqueue.ts";
import "./virtqueue_worker.ts";
import "./plugin_startup.ts";
import "./cpu_mips.ts";
import "./cpu_mips_peers.ts";
import "./boot_time.ts";
import "./guest_workloads.ts";
