import assert from "node:assert/strict";
import { parseDeviceOption } from "./device_option.ts";
import { DeviceConfigError } from "./config_error.ts";

const props = (text: string) => [...parseDeviceOption(text).props];

Deno.test("the first element is the driver and the rest are name=value pairs", () => {
  const o = parseDeviceOption("isa-debug-exit,iobase=0xf4,iosize=0x04");
  assert.equal(o.driver, "isa-debug-exit");
  assert.deepEqual([...o.props], [["iobase", "0xf4"], ["iosize", "0x04"]]);
  assert.equal(o.id, undefined);
  assert.equal(o.help, undefined);
  assert.deepEqual(o.warnings, []);
});

Deno.test("a first element containing '=' is a property, so driver= must be given", () => {
  const o = parseDeviceOption("iobase=0xf4,driver=isa-debug-exit");
  assert.equal(o.driver, "isa-debug-exit");
  assert.deepEqual([...o.props], [["iobase", "0xf4"]]);
  assert.throws(
    () => parseDeviceOption("iobase=0xf4"),
    (e: unknown) =>
      e instanceof DeviceConfigError &&
      e.message === "-device iobase=0xf4: Parameter 'driver' is missing",
  );
  assert.throws(() => parseDeviceOption(""), /Parameter 'driver' is missing/);
});

Deno.test("',,' is an escaped comma inside values and the driver name", () => {
  assert.deepEqual(props("x,serial=a,,b,,,c=d"), [["serial", "a,b,"], ["c", "d"]]);
  assert.equal(parseDeviceOption("we,,ird,x=1").driver, "we,ird");
  assert.deepEqual(props("x,path=/tmp/a,,b"), [["path", "/tmp/a,b"]]);
});

Deno.test("a value may contain '=' and may be empty", () => {
  assert.deepEqual(props("x,append=a=b,drive="), [["append", "a=b"], ["drive", ""]]);
});

Deno.test("id= and bus= are taken out of the properties; addr= stays for the PCI check", () => {
  const o = parseDeviceOption("virtio-blk-pci,id=disk0,bus=pci.0,addr=03.0,drive=d0");
  assert.equal(o.id, "disk0");
  assert.equal(o.bus, "pci.0");
  assert.deepEqual([...o.props], [["addr", "03.0"], ["drive", "d0"]]);
});

Deno.test("the first id= wins and every id= element is dropped", () => {
  const o = parseDeviceOption("e1000,id=a,mac=x,id=b");
  assert.equal(o.id, "a");
  assert.deepEqual([...o.props], [["mac", "x"]]);
});

Deno.test("an id must be a letter followed by letters, digits, '-', '.', '_'", () => {
  assert.equal(parseDeviceOption("e1000,id=net-0.a_b").id, "net-0.a_b");
  for (const bad of ["0net", "net 0", "", "n,,x"]) {
    assert.throws(
      () => parseDeviceOption(`e1000,id=${bad}`),
      (e: unknown) =>
        e instanceof DeviceConfigError &&
        e.detail === "Parameter 'id' expects an identifier" &&
        e.hint === "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.",
      bad,
    );
  }
});

Deno.test("a bare prop means prop=on and noprop means prop=off, each with QEMU's warning", () => {
  const o = parseDeviceOption("virtio-blk-pci,seg-max-adjust,noshare");
  assert.deepEqual([...o.props], [["seg-max-adjust", "on"], ["share", "off"]]);
  assert.deepEqual(o.warnings, [
    {
      location: "-device virtio-blk-pci,seg-max-adjust,noshare",
      detail: "short-form boolean option 'seg-max-adjust' deprecated",
      hint: "Please use seg-max-adjust=on instead",
    },
    {
      location: "-device virtio-blk-pci,seg-max-adjust,noshare",
      detail: "short-form boolean option 'noshare' deprecated",
      hint: "Please use share=off instead",
    },
  ]);
});

Deno.test("a repeated property keeps its last value", () => {
  assert.deepEqual(props("x,a=1,b=2,a=3"), [["b", "2"], ["a", "3"]]);
  assert.equal(parseDeviceOption("first,driver=second").driver, "second");
});

Deno.test("'help' or '?' as the driver asks for the device list", () => {
  assert.equal(parseDeviceOption("help").help, "devices");
  assert.equal(parseDeviceOption("?").help, "devices");
  assert.equal(parseDeviceOption("driver=help").help, "devices");
});

Deno.test("'help' or '?' after the driver asks for its properties, without warnings", () => {
  for (const text of ["e1000,help", "e1000,?", "e1000,mac=x,help", "e1000,help=on"]) {
    const o = parseDeviceOption(text);
    assert.equal(o.help, "properties", text);
    assert.equal(o.driver, "e1000");
    assert.equal(o.props.has("help"), false);
  }
  assert.deepEqual(parseDeviceOption("e1000,help").warnings, []);
});

Deno.test("a trailing comma adds nothing", () => {
  assert.deepEqual(props("x,a=1,"), [["a", "1"]]);
  assert.equal(parseDeviceOption("x,").driver, "x");
});
