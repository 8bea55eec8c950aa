import type { ParsedCommandLine } from "../../options.ts";
import {
  deviceLocation,
  type DeviceOption,
  DeviceRegistry,
  parseDeviceOption,
  parseGlobalOption,
  resolveDevices,
} from "../../plugins/registry/mod.ts";
import { resolveCpuModel } from "../../cpu/cpu_model.ts";
import {
  type Chardev,
  openChardev,
  openSocketChardev,
  parseChardevSpec,
  parseSocketChardev,
} from "../chardev/mod.ts";
import { registerBuiltinTypes } from "./builtin_types.ts";
import type { DeviceImpl, PrepareEnv } from "./device_impl.ts";
import { type BoardContext, type DeviceFactory, PcMachine } from "./pc_machine.ts";
import { PhysicalMemory } from "../memory/mod.ts";
import type { PluginBackends } from "../../plugins/sandbox/mod.ts";
import { netdevBackends } from "../../plugins/devices/virtio_net_netdev.ts";
import { attachSerialPorts } from "../../plugins/devices/virtio_serial_bus.ts";
import {
  nicDeviceText,
  openNetHubs,
  unsupportedNicModel,
  withDefaultMacs,
} from "../net_hub/mod.ts";
import { loadPlugins } from "./plugin_loading.ts";

/** A configuration the VMM refuses before starting; the message is shown as is. */
export class MachineConfigError extends Error {
  override name = "MachineConfigError";
}

/** The registry with every built-in device type. */
export function builtinRegistry(): DeviceRegistry {
  const registry = new DeviceRegistry();
  registerBuiltinTypes(registry);
  return registry;
}

export interface CreateOptions {
  /** Device types to use. @default builtinRegistry() */
  registry?: DeviceRegistry;
  /** Called when the user quits through the stdio escape (Ctrl-A x). */
  onQuit?: () => void;
  /** Diagnostic output. @default stderr */
  log?: (line: string) => void;
}

/** A machine plus the host resources it opened, to be released when it stops. */
export interface CreatedMachine {
  machine: PcMachine;
  /** Closes chardevs (restores the terminal). */
  close(): void;
}

async function readGuestFile(what: string, path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "No such file or directory"
      : e instanceof Deno.errors.PermissionDenied
      ? "Permission denied"
      : e instanceof Deno.errors.IsADirectory
      ? "Is a directory"
      : String((e as Error).message ?? e);
    throw new MachineConfigError(`could not load ${what} '${path}': ${reason}`);
  }
}

/**
 * Builds the machine a command line describes: loads the guest files, opens
 * the chardevs, resolves and plugs the devices. Everything that can be
 * refused is refused here, before the guest runs.
 */
export async function createMachine(
  cmd: ParsedCommandLine,
  options: CreateOptions = {},
): Promise<CreatedMachine> {
  const registry = options.registry ?? builtinRegistry();
  const cpuName = cmd.cpuModel.split(",")[0];
  let cpu;
  try {
    cpu = resolveCpuModel(cmd.cpuModel);
  } catch (e) {
    throw new MachineConfigError(`-cpu ${cmd.cpuModel}: ${(e as Error).message}`);
  }
  if (!cpu) throw new MachineConfigError(`unable to find CPU model '${cpuName}'`);
  const log = options.log ?? ((line: string) => console.error(line));
  for (const w of cpu.warnings) log(`warning: ${w}`);
  if (!cmd.kernel && !cmd.bios) {
    throw new MachineConfigError(
      "no bootable guest: give -kernel (Linux bzImage or multiboot) or -bios " +
        "(deno-vmm bundles no default firmware)",
    );
  }
  const kernel = cmd.kernel
    ? { name: cmd.kernel, data: await readGuestFile("kernel", cmd.kernel) }
    : undefined;
  const initrd = [];
  for (const path of cmd.initrd ?? []) {
    initrd.push({ name: path, data: await readGuestFile("initrd", path) });
  }
  const bios = cmd.bios ? await readGuestFile("BIOS", cmd.bios) : undefined;

  const opened: Chardev[] = [];
  const closers: (() => void | Promise<void>)[] = [];
  const close = () => {
    for (const c of closers) {
      try {
        void c();
      } catch {
        // Best effort, as for chardevs below.
      }
    }
    for (const c of opened) {
      try {
        c.close();
      } catch {
        // Closing is best effort: the terminal or file may already be gone.
      }
    }
  };
  let stdio: Chardev | undefined;
  const open = (text: string): Chardev => {
    let spec;
    try {
      spec = parseChardevSpec(text);
    } catch (e) {
      throw new MachineConfigError(`'${text}' is not a valid char driver: ${(e as Error).message}`);
    }
    if (spec.backend === "stdio") {
      if (!stdio) {
        stdio = openChardev(spec, { onQuit: options.onQuit });
        opened.push(stdio);
      }
      return stdio;
    }
    const c = openChardev(spec);
    opened.push(c);
    return c;
  };
  // A socket listens or connects before the guest runs, waiting for a client if wait=on.
  const openSocket = async (c: ParsedCommandLine["chardevs"][number]): Promise<Chardev> => {
    const props = Object.entries(c.props).map(([k, v]) => `${k}=${v}`);
    const where = `-chardev ${["socket", `id=${c.id}`, ...props].join(",")}`;
    try {
      const socket = await openSocketChardev(parseSocketChardev(c.props), {
        log: (line) => log(`${where}: ${line}`),
      });
      opened.push(socket);
      return socket;
    } catch (e) {
      throw new MachineConfigError(`${where}: ${(e as Error).message}`);
    }
  };

  try {
    const chardevs = new Map<string, Chardev>();
    for (const c of cmd.chardevs) {
      if (c.backend === "socket") {
        chardevs.set(c.id, await openSocket(c));
        continue;
      }
      const text = c.backend === "file" ? `file:${c.props.path ?? ""}` : c.backend;
      chardevs.set(c.id, open(text));
    }
    const serial: Chardev[] = [];
    for (const s of cmd.serial) {
      if (s === "none") continue;
      if (s.startsWith("chardev:")) {
        const c = chardevs.get(s.slice(8));
        if (!c) throw new MachineConfigError(`-serial ${s}: chardev '${s.slice(8)}' not found`);
        serial.push(c);
      } else serial.push(open(s));
    }

    // -drive if=virtio is QEMU's shorthand for a virtio-blk-pci device on that drive.
    const drives = cmd.drives.map((d, i) => ({ ...d, id: d.id ?? `virtio${i}` }));
    // A -nic is a netdev plus a NIC on it; QEMU creates those NICs with the board, first.
    const netdevs = [...cmd.netdevs, ...cmd.nics.map((n) => n.netdev)];
    const deviceOptions: DeviceOption[] = [
      ...cmd.nics.map((n) => parseDeviceOption(nicDeviceText(n))),
      ...cmd.devices.map((d) => parseDeviceOption(d)),
      ...drives.filter((d) => d.if === "virtio").map((d) =>
        parseDeviceOption(`virtio-blk-pci,drive=${d.id}`)
      ),
    ];
    await loadPlugins(registry, deviceOptions.map((o) => o.driver), cmd.plugins);
    const badModel = unsupportedNicModel(registry, cmd.nics);
    if (badModel !== undefined) throw new MachineConfigError(`Unsupported NIC model: ${badModel}`);
    if (cmd.debugcon && cmd.debugcon !== "none") {
      const id = "debugcon0";
      chardevs.set(id, open(cmd.debugcon));
      deviceOptions.push(parseDeviceOption(`isa-debugcon,chardev=${id}`));
    }
    const resolved = resolveDevices(registry, deviceOptions, {
      globals: cmd.globals.map((g) => parseGlobalOption(g)),
      drives: drives.map((d) => d.id),
      netdevs: netdevs.map((n) => n.id),
      chardevs: [...chardevs.keys()],
    });
    // virtconsole and virtserialport become ports of their virtio-serial-pci.
    const serialPorts = attachSerialPorts(resolved.devices, {
      locations: deviceOptions.map((o) => deviceLocation(o.text)),
      chardevs,
    });
    const devices = withDefaultMacs(serialPorts.devices);
    const hubs = await openNetHubs(netdevs, {
      devices,
      locations: deviceOptions.map((o) => deviceLocation(o.text)),
      log,
    });
    closers.push(() => hubs.close());
    const memory = new PhysicalMemory({
      ramSize: cmd.memoryBytes,
      romSpace: bios ? bios.length + 0x20000 : 0,
    });
    const backends: PluginBackends = {
      drives: Object.fromEntries(
        drives.flatMap((d) => d.file ? [[d.id, { file: d.file, readonly: d.readonly }]] : []),
      ),
      chardevs: { ...Object.fromEntries(chardevs), ...serialPorts.chardevs },
      netdevs: netdevBackends(netdevs, { hubport: (n) => hubs.backend(n.id) }),
    };
    const env: PrepareEnv = { memory, backends, onClose: (c) => void closers.push(c) };
    const factories: DeviceFactory[] = await Promise.all(devices.map(async (d) => {
      const impl = d.type.impl as DeviceImpl | undefined;
      const placement = { id: d.id, addr: d.addr };
      if (impl?.prepare) return await impl.prepare(env, d.props, placement);
      if (impl?.plug) return (ctx: BoardContext) => impl.plug!(ctx, d.props, placement);
      throw new MachineConfigError(`-device ${d.type.name}: not available`);
    }));

    const machineLog = options.log ??
      (cmd.debugLog ? openLogFile(cmd.debugLog, closers) : undefined);
    const machine = new PcMachine({
      memoryBytes: cmd.memoryBytes,
      memory,
      cpuModel: cmd.cpuModel,
      kernel,
      initrd,
      append: cmd.append,
      bios,
      serial,
      chardevs,
      devices: factories,
      noReboot: cmd.noReboot,
      icountShift: cmd.icount ? (cmd.icount.shift === "auto" ? 0 : cmd.icount.shift) : undefined,
      debug: cmd.debugFlags,
      log: machineLog,
      accel: cmd.accel,
    });
    return { machine, close };
  } catch (e) {
    close();
    throw e;
  }
}

/**
 * `-D FILE`: the machine's log (the `-d` items, reset reasons) goes to FILE instead of stderr,
 * each line written through at once so that a crash loses nothing.
 */
function openLogFile(
  path: string,
  closers: (() => void | Promise<void>)[],
): (line: string) => void {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { write: true, create: true, truncate: true });
  } catch (e) {
    throw new MachineConfigError(`-D ${path}: ${(e as Error).message}`);
  }
  closers.push(() => file.close());
  const encoder = new TextEncoder();
  return (line) => {
    const bytes = encoder.encode(line + "\n");
    for (let at = 0; at < bytes.length;) at += file.writeSync(bytes.subarray(at));
  };
}
