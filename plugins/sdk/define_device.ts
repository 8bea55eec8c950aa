/**
 * `defineDevice`: how a plugin module describes its device type. The module's default export is
 * the result; the VMM reads the description (name, schema, queues) and runs `backend` inside the
 * device's sandboxed Worker.
 *
 * @module
 */

import { DEVICE_CATEGORIES, type DeviceCategory } from "../registry/device_type.ts";
import { type PropertySpec, type PropertyValues, validatePropertySpec } from "../schema/mod.ts";
import type { DeviceEnv, DeviceHandlers } from "./device_env.ts";

/** Marks a value as made by {@link defineDevice} (and names the SDK revision). */
export const DEVICE_PLUGIN_KIND = "deno-vmm.device/1";

/** A value that may depend on the device's property values. */
export type PerDevice<T, P extends Record<string, PropertySpec>> =
  | T
  | ((props: PropertyValues<P>) => T);

/**
 * Everything a plugin declares about its device type.
 *
 * @example
 * ```ts
 * import type { DeviceDefinition } from "./define_device.ts";
 * const rng: DeviceDefinition<{ period: { type: "u32"; default: 1000 } }> = {
 *   name: "my-rng-pci",
 *   category: "Misc",
 *   deviceId: 4,
 *   queueSizes: [64],
 *   properties: { period: { type: "u32", default: 1000 } },
 *   backend: () => ({ activate() {}, notify() {}, reset() {} }),
 * };
 * ```
 */
export interface DeviceDefinition<
  P extends Record<string, PropertySpec> = Record<string, PropertySpec>,
> {
  /** The `-device` name, e.g. "virtio-rng-pci". */
  name: string;
  /** Shown as `desc "…"` in `-device help`. */
  description?: string;
  /** The `-device help` heading it is listed under. */
  category: DeviceCategory;
  /** Other names `-device` accepts. */
  aliases?: readonly string[];
  /** Virtio device type (§5): 1 net, 2 block, 3 console, 4 rng. */
  deviceId: number;
  /**
   * PCI class and subclass (16 bits, e.g. 0x0100 SCSI storage), or a function of the properties
   * (QEMU's `class` property); the transport's default when absent.
   */
  pciClass?: PerDevice<number, P>;
  /** Device feature bits (the transport adds ring and version bits). @default 0n */
  features?: PerDevice<bigint, P>;
  /** Maximum size of each queue (powers of two); the length is the queue count. */
  queueSizes: PerDevice<readonly number[], P>;
  /** Bytes of device configuration space. @default 0 */
  configSize?: PerDevice<number, P>;
  /** The typed properties `-device` and `-global` may set. */
  properties: P;
  /** Builds the backend inside the device's Worker; runs once per start. */
  backend(props: PropertyValues<P>, env: DeviceEnv): DeviceHandlers | Promise<DeviceHandlers>;
}

/** A checked, frozen {@link DeviceDefinition}: what a plugin module exports by default. */
export type PluginDefinition<
  P extends Record<string, PropertySpec> = Record<string, PropertySpec>,
> = Readonly<DeviceDefinition<P>> & { readonly kind: typeof DEVICE_PLUGIN_KIND };

/**
 * The serialisable part of a definition: what the registry and `-device help` need.
 *
 * @example
 * ```ts
 * import type { PluginDescriptor } from "./define_device.ts";
 * const d: PluginDescriptor = { name: "x-pci", category: "Misc", deviceId: 4, properties: {} };
 * ```
 */
export interface PluginDescriptor {
  /** The `-device` name. */
  readonly name: string;
  /** Help text. */
  readonly description?: string;
  /** Help heading. */
  readonly category: DeviceCategory;
  /** Other `-device` names. */
  readonly aliases?: readonly string[];
  /** Virtio device type. */
  readonly deviceId: number;
  /** PCI class and subclass, when it does not depend on the properties. */
  readonly pciClass?: number;
  /** Property schema, validated. */
  readonly properties: Readonly<Record<string, PropertySpec>>;
}

/**
 * Features, queues and configuration size of one device instance (they may depend on its
 * properties).
 *
 * @example
 * ```ts
 * import type { DeviceShape } from "./define_device.ts";
 * const shape: DeviceShape = { features: 0n, queueSizes: [128, 128], configSize: 8 };
 * ```
 */
export interface DeviceShape {
  /** Device feature bits. */
  readonly features: bigint;
  /** PCI class and subclass of this instance, when the definition computes it. */
  readonly pciClass?: number;
  /** Maximum queue sizes; the length is the queue count. */
  readonly queueSizes: readonly number[];
  /** Bytes of configuration space. */
  readonly configSize: number;
}

/** Most queues one device may have. */
export const MAX_QUEUES = 1024;
/** Largest configuration space (a 4 KiB capability window). */
export const MAX_CONFIG_SIZE = 4096;
/** Largest virtio device type that still gives a 16-bit modern PCI device ID (0x1040 + type). */
export const MAX_VIRTIO_DEVICE_ID = 0xffff - 0x1040;

// As the registry's type names: they end at ',' and '=' on the command line.
const TYPE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+:-]*$/;

/**
 * Checks a device definition and returns it frozen and marked; throws an Error naming the device
 * and the fault when the name, category, IDs, queues or property schema are malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const rng = defineDevice({
 *   name: "my-rng-pci",
 *   description: "entropy from a counter",
 *   category: "Misc",
 *   deviceId: 4,
 *   queueSizes: [64],
 *   properties: { seed: { type: "u32", default: 1 } },
 *   backend(props, env) {
 *     let next = props.seed ?? 1;
 *     return {
 *       activate() {},
 *       notify(index) {
 *         const queue = env.queue(index);
 *         for (let chain = queue.pop(); chain; chain = queue.pop()) {
 *           const bytes = new Uint8Array(chain.writableLength()).map(() => next++ & 0xff);
 *           queue.addUsed(chain.head, chain.copyToWritable(bytes));
 *         }
 *         env.signalUsed(index);
 *       },
 *       reset() {},
 *     };
 *   },
 * });
 * assert.equal(rng.kind, DEVICE_PLUGIN_KIND);
 * assert.throws(() => defineDevice({ ...rng, queueSizes: [100] }), /power of two/);
 * ```
 */
export function defineDevice<P extends Record<string, PropertySpec>>(
  definition: DeviceDefinition<P>,
): PluginDefinition<P> {
  if (typeof definition !== "object" || definition === null) {
    throw new Error("defineDevice needs a device definition object");
  }
  checkDefinition(definition as unknown as DeviceDefinition);
  return Object.freeze({ ...definition, kind: DEVICE_PLUGIN_KIND });
}

/**
 * Checks everything about a definition that does not depend on property values (description,
 * backend, fixed features, queues and configuration size) and returns its descriptor. Throws an
 * Error naming the device and the fault.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const backend = () => ({ activate() {}, notify() {}, reset() {} });
 * const base = { name: "x-pci", category: "Misc", deviceId: 4, properties: {}, backend } as const;
 * assert.equal(checkDefinition({ ...base, queueSizes: [8] }).name, "x-pci");
 * assert.throws(() => checkDefinition({ ...base, queueSizes: [8], configSize: -1 }), /configSize/);
 * ```
 */
export function checkDefinition(definition: DeviceDefinition): PluginDescriptor {
  const descriptor = describeDevice(definition);
  if (typeof definition.backend !== "function") {
    throw new Error(`device plugin '${definition.name}': backend must be a function`);
  }
  // The fixed parts are checked now; those computed from properties, per device.
  const fixed = <T>(v: unknown, stand: T): unknown => typeof v === "function" ? stand : v;
  checkShape({
    features: fixed(definition.features, 0n) ?? 0n,
    queueSizes: fixed(definition.queueSizes, [1]),
    configSize: fixed(definition.configSize, 0) ?? 0,
  }, definition.name);
  return descriptor;
}

/**
 * True when `value` came from {@link defineDevice} (of this SDK revision).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isPluginDefinition({ name: "x" }), false);
 * ```
 */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === DEVICE_PLUGIN_KIND &&
    typeof (value as { backend?: unknown }).backend === "function";
}

/**
 * The checked descriptor of a definition, or of an untrusted value claiming to be one (a message
 * from a plugin's Worker). Throws an Error saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.throws(
 *   () => describeDevice({ name: "x", category: "Misc", deviceId: 4, properties: { n: { type: "u99" } } }),
 *   /device plugin 'x': property 'n': unknown type 'u99'/,
 * );
 * ```
 */
export function describeDevice(value: unknown): PluginDescriptor {
  if (typeof value !== "object" || value === null) {
    throw new Error("device plugin: the description is not an object");
  }
  const d = value as Record<string, unknown>;
  const name = d.name;
  const fail = (why: string): never => {
    throw new Error(`device plugin '${String(name)}': ${why}`);
  };
  if (typeof name !== "string" || !TYPE_NAME.test(name)) fail("name is not a usable -device name");
  if (d.description !== undefined && typeof d.description !== "string") {
    fail("description must be a string");
  }
  if (!DEVICE_CATEGORIES.includes(d.category as DeviceCategory)) {
    fail(`unknown category '${String(d.category)}'`);
  }
  const aliases = d.aliases;
  if (
    aliases !== undefined &&
    (!Array.isArray(aliases) || aliases.some((a) => typeof a !== "string" || !TYPE_NAME.test(a)))
  ) {
    fail("aliases must be a list of -device names");
  }
  checkInt(d.deviceId, 1, MAX_VIRTIO_DEVICE_ID, "deviceId", fail);
  const pciClass = typeof d.pciClass === "function" ? undefined : d.pciClass;
  if (pciClass !== undefined) checkInt(pciClass, 0, 0xffff, "pciClass", fail);
  const props = d.properties;
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    fail("properties must be an object");
  }
  const properties: Record<string, PropertySpec> = {};
  for (const [prop, spec] of Object.entries(props as Record<string, PropertySpec>)) {
    try {
      properties[prop] = validatePropertySpec(prop, spec, { owner: name as string });
    } catch (e) {
      // validatePropertySpec says "device type 'x': property ..."; say "device plugin" instead.
      fail((e as Error).message.replace(/^device type '[^']*': /, ""));
    }
  }
  return Object.freeze({
    name: name as string,
    ...(d.description !== undefined ? { description: d.description as string } : {}),
    category: d.category as DeviceCategory,
    ...(aliases !== undefined ? { aliases: Object.freeze([...(aliases as string[])]) } : {}),
    deviceId: d.deviceId as number,
    ...(pciClass !== undefined ? { pciClass: pciClass as number } : {}),
    properties: Object.freeze(properties),
  });
}

/**
 * Features, queue sizes and configuration size of a definition for given property values, each
 * checked (queue sizes powers of two up to 32768, at most {@link MAX_QUEUES} queues).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const shape = deviceShape({
 *   name: "x",
 *   category: "Misc",
 *   deviceId: 3,
 *   queueSizes: (props) => Array(Number(props.ports ?? 1) * 2).fill(128),
 *   properties: {},
 *   backend: () => ({ activate() {}, notify() {}, reset() {} }),
 * }, { ports: 2 });
 * assert.deepEqual(shape, { features: 0n, queueSizes: [128, 128, 128, 128], configSize: 0 });
 * ```
 */
export function deviceShape(
  definition: DeviceDefinition,
  props: Readonly<Record<string, unknown>>,
): DeviceShape {
  const pick = <T>(v: PerDevice<T, Record<string, PropertySpec>> | undefined): T | undefined =>
    typeof v === "function" ? (v as (p: typeof props) => T)(props) : v;
  const pciClass = pick(definition.pciClass);
  return checkShape(
    {
      features: pick(definition.features) ?? 0n,
      queueSizes: pick(definition.queueSizes),
      configSize: pick(definition.configSize) ?? 0,
      ...(pciClass !== undefined ? { pciClass } : {}),
    },
    definition.name,
  );
}

/**
 * Checks an untrusted {@link DeviceShape} (from a plugin's Worker) and returns a frozen copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.throws(() => checkShape({ features: 0n, queueSizes: [], configSize: 0 }, "x"), /queue/);
 * ```
 */
export function checkShape(value: unknown, name: string): DeviceShape {
  const fail = (why: string): never => {
    throw new Error(`device plugin '${name}': ${why}`);
  };
  if (typeof value !== "object" || value === null) return fail("device shape is not an object");
  const v = value as Record<string, unknown>;
  if (typeof v.features !== "bigint" || v.features < 0n || v.features >= 1n << 64n) {
    fail("features must be a 64-bit bigint");
  }
  const sizes = v.queueSizes;
  if (!Array.isArray(sizes) || sizes.length === 0 || sizes.length > MAX_QUEUES) {
    fail(`queueSizes must list 1 to ${MAX_QUEUES} queues`);
  }
  for (const size of sizes as unknown[]) {
    if (
      typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > 32768 ||
      (size & (size - 1)) !== 0
    ) {
      fail(`queue size ${String(size)} is not a power of two between 1 and 32768`);
    }
  }
  checkInt(v.configSize, 0, MAX_CONFIG_SIZE, "configSize", fail);
  if (v.pciClass !== undefined) checkInt(v.pciClass, 0, 0xffff, "pciClass", fail);
  return Object.freeze({
    features: v.features as bigint,
    queueSizes: Object.freeze([...(sizes as number[])]),
    configSize: v.configSize as number,
    ...(v.pciClass !== undefined ? { pciClass: v.pciClass as number } : {}),
  });
}

function checkInt(v: unknown, lo: number, hi: number, what: string, fail: (w: string) => never) {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    fail(`${what} must be an integer in ${lo}..${hi}, not ${String(v)}`);
  }
}
