import assert from "node:assert/strict";
import {
  decodePortTable,
  encodePortEvent,
  encodePortTable,
  portChardevProperty,
  PortEventReader,
  portOfQueue,
  receiveQueueOf,
  transmitQueueOf,
} from "./_virtio_serial_ports.ts";

Deno.test("§5.3.2 queue numbering: port 0 on 0/1, control on 2/3, port N on 2N+2/2N+3", () => {
  for (let nr = 0; nr < 511; nr++) {
    assert.equal(portOfQueue(receiveQueueOf(nr)), nr);
    assert.equal(portOfQueue(transmitQueueOf(nr)), nr);
    assert.equal(transmitQueueOf(nr), receiveQueueOf(nr) + 1);
  }
  assert.equal(portOfQueue(2), undefined);
  assert.equal(portOfQueue(3), undefined);
  assert.deepEqual([receiveQueueOf(0), receiveQueueOf(1), receiveQueueOf(30)], [0, 4, 62]);
  assert.deepEqual([portChardevProperty(0), portChardevProperty(7)], ["chardev", "port.7"]);
});

Deno.test("the port table survives encoding and refuses numbers out of range or given twice", () => {
  const table = [{ nr: 0, console: true }, {
    nr: 3,
    console: false,
    name: "org.qemu.guest_agent.0",
  }];
  assert.deepEqual(decodePortTable(encodePortTable(table), 4), table);
  assert.throws(() => decodePortTable(encodePortTable(table), 3), /port number 3 is not below 3/);
  assert.throws(
    () =>
      decodePortTable(encodePortTable([{ nr: 1, console: false }, { nr: 1, console: true }]), 4),
    /port 1 is given twice/,
  );
  assert.throws(() => decodePortTable("{", 4), /not a port table/);
  assert.throws(() => decodePortTable('[{"nr":1,"name":7}]', 4), /port 1 has a bad name/);
});

Deno.test("PortEventReader joins lines cut anywhere and ignores what precedes the first sync", () => {
  const reader = new PortEventReader();
  const bytes = (text: string) => new TextEncoder().encode(text);
  // The tail of a line a previous sandbox left half read, then a report.
  assert.deepEqual(reader.push(bytes("en 4\nopen 2\nsy")), []);
  assert.deepEqual(reader.push(bytes("n")), []);
  assert.deepEqual(reader.push(bytes(`c\n${encodePortEvent({ kind: "open", nr: 1 })}clo`)), [
    { kind: "sync" },
    { kind: "open", nr: 1 },
  ]);
  assert.deepEqual(reader.push(bytes("se 1\nbogus\n")), [{ kind: "close", nr: 1 }]);
});
