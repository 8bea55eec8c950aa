/**
 * Built-in virtio device plugins, written against the public device SDK. The VMM loads them by
 * module URL through the sandbox like any third party's plugin (devices/board/plugin_loading.ts);
 * the definitions are re-exported here for what reads descriptions only (help, conformance tests).
 *
 * @module
 */

export { default as virtioBalloon } from "./virtio_balloon.ts";
export { default as virtioBlk } from "./virtio_blk.ts";
export { default as virtioConsole } from "./virtio_console.ts";
export { default as virtioNet } from "./virtio_net.ts";
export { default as virtioRng } from "./virtio_rng.ts";
