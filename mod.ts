/**
 * deno-vmm: a PC virtual machine monitor for 32-bit x86 guests.
 *
 * Everything the command line does is reachable from here: parse QEMU-style
 * arguments with `parseArgs`, build a machine with `createMachine` (or
 * `new PcMachine({...})`), `run()` it, `stop()` it.
 * @module
 */
export {
  machineHelpText,
  OptionError,
  parseArgs,
  type ParsedCommandLine,
  usageText,
  VERSION,
  versionText,
} from "./options.ts";
export {
  builtinRegistry,
  type CreatedMachine,
  createMachine,
  MachineConfigError,
} from "./devices/board/create_machine.ts";
export {
  type BoardContext,
  type DeviceFactory,
  PcMachine,
  type PcMachineOptions,
} from "./devices/board/pc_machine.ts";
export { CPU_MODELS, cpuModelHelp } from "./cpu/cpu_model.ts";
export {
  DeviceRegistry,
  type DeviceType,
  formatDeviceHelp,
  formatDeviceList,
  parseDeviceOption,
} from "./plugins/registry/mod.ts";
