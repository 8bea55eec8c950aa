/**
 * The deno-vmm command line: `deno task vmm [QEMU options]`.
 * Accepts qemu-system-i386's spellings, prints errors as `deno-vmm: MESSAGE`
 * and exits as QEMU does (1 for a refused configuration, the guest's status
 * otherwise).
 */
import {
  cpuModelHelp,
  type CreatedMachine,
  createMachine,
  formatDeviceHelp,
  machineHelpText,
  OptionError,
  parseArgs,
  parseDeviceOption,
  usageText,
  versionText,
} from "./mod.ts";
import { builtinRegistry } from "./devices/board/create_machine.ts";
import { loadPlugins } from "./devices/board/plugin_loading.ts";

const PROGRAM = "deno-vmm";

function fail(message: string): never {
  console.error(`${PROGRAM}: ${message}`);
  Deno.exit(1);
}

async function main(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (e instanceof OptionError) fail(e.message);
    throw e;
  }
  const registry = builtinRegistry();
  switch (cmd.action) {
    case "help":
      console.log((cmd.helpText ?? usageText()).trimEnd());
      return 0;
    case "version":
      console.log(versionText().trimEnd());
      return 0;
    case "machine-help":
      console.log((cmd.helpText ?? machineHelpText()).trimEnd());
      return 0;
    case "cpu-help":
      console.log(cpuModelHelp().trimEnd());
      return 0;
    case "device-help": {
      const text = cmd.deviceHelp === "all" || cmd.deviceHelp === undefined
        ? "help"
        : `${cmd.deviceHelp},help`;
      try {
        await loadPlugins(
          registry,
          cmd.deviceHelp === "all" || cmd.deviceHelp === undefined ? "all" : [cmd.deviceHelp],
          cmd.plugins,
        );
        console.log(formatDeviceHelp(registry, parseDeviceOption(text)).trimEnd());
      } catch (e) {
        fail((e as Error).message);
      }
      return 0;
    }
  }

  let created: CreatedMachine | undefined;
  try {
    created = await createMachine(cmd, { registry, onQuit: () => created?.machine.stop(0) });
  } catch (e) {
    fail((e as Error).message);
  }
  const { machine, close } = created!;
  const onSignal = (name: string) => () => {
    console.error(`${PROGRAM}: terminating on signal ${name === "SIGINT" ? 2 : 15}`);
    machine.stop(0);
  };
  const signals: [Deno.Signal, () => void][] = [
    ["SIGINT", onSignal("SIGINT")],
    ["SIGTERM", onSignal("SIGTERM")],
  ];
  for (const [s, h] of signals) Deno.addSignalListener(s, h);
  try {
    return await machine.run();
  } catch (e) {
    close();
    console.error(`${PROGRAM}: internal error: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    for (const [s, h] of signals) Deno.removeSignalListener(s, h);
    close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
