import assert from "node:assert/strict";
import { parseArgs } from "../../options.ts";
import { VIRTIO_SERIAL_DEVICES } from "../../tests/_virtio_serial_devices.ts";
import { createMachine } from "./create_machine.ts";

const KERNEL = new URL("../../tests/guests/hello_multiboot.bin", import.meta.url).pathname;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function machine(...args: string[]) {
  return createMachine(parseArgs(["-kernel", KERNEL, "-nodefaults", ...args]), { log: () => {} });
}

Deno.test("createMachine plugs virtio-serial-pci with its ports, a socket listening for a port", async () => {
  const port = freePort();
  const { machine: m, close } = await machine(
    "-chardev",
    `socket,id=s0,host=127.0.0.1,port=${port},server=on,wait=off`,
    "-chardev",
    "null,id=c0",
    ...VIRTIO_SERIAL_DEVICES,
  );
  try {
    const functions = m.pci.entries().filter((e) =>
      m.pci.configRead(e.slot, e.func, 0, 2) === 0x1af4
    );
    assert.equal(functions.length, 1, "the ports are part of the one PCI function");
    const { slot, func } = functions[0];
    assert.equal(m.pci.configRead(slot, func, 2, 2), 0x1003, "transitional virtio console");
    assert.equal(m.pci.configRead(slot, func, 0x0a, 2), 0x0780);
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    client.close();
  } finally {
    close();
  }
  // Closing the machine closed the listening socket.
  Deno.listen({ hostname: "127.0.0.1", port }).close();
});

Deno.test("createMachine refuses a port without a virtio-serial-pci, and a socket that cannot connect", async () => {
  await assert.rejects(
    machine("-device", "virtconsole"),
    /^DeviceConfigError: -device virtconsole: No 'virtio-serial-bus' bus found for device 'virtconsole'$/,
  );
  const port = freePort();
  await assert.rejects(
    machine("-chardev", `socket,id=s0,host=127.0.0.1,port=${port}`),
    new RegExp(
      `^MachineConfigError: -chardev socket,id=s0,host=127.0.0.1,port=${port}: ` +
        `Failed to connect to '127.0.0.1:${port}': Connection refused$`,
    ),
  );
});
