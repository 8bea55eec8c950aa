/**
 * Two VMM processes, each booting the default guest with one virtio-net-pci NIC, joined by
 * `-netdev socket,listen=` on one side and `-netdev socket,connect=` on the other: one TCP
 * connection carrying length-prefixed frames (QEMU's net/socket.c). The listening side's NIC is
 * modern only (`disable-legacy=on`), the connecting side's legacy only (`disable-modern=on`), so
 * the two transports exchange frames; each guest's negotiated VERSION_1 bit shows which one its
 * driver got. The guests ping each other both ways.
 *
 * IPv6 is off before the links come up, so only ARP and ICMP cross the wire: every frame one
 * guest counts as sent the other counts as received, packets and bytes alike, and each guest's
 * ICMP counters show exactly the three echo requests and three replies of each direction.
 *
 * When qemu-system-i386 is installed, two more cases run it with the same options on one side:
 * first listening, then connecting, so that each side of the VMM's stream backend meets QEMU's.
 */

import assert from "node:assert/strict";
import { freeTcpPort } from "../plugins/devices/virtio_net_test_peer.ts";
import { defaultGuestArgs, GuestSession, installed } from "./guest_session.ts";

const QEMU = "qemu-system-i386";
/** Boots run side by side on two shared cores; each takes 10-25 s alone. */
const BOOT_MS = 75_000;
const PINGS = 3;

/** One guest of the pair: its console, its address and how its NIC is set up. */
interface Guest {
  readonly vm: GuestSession;
  readonly ip: string;
  readonly mac: string;
  /** The NIC offers only the modern (1.x) transport; otherwise only the legacy one. */
  readonly modern: boolean;
}

/** rx/tx packet and byte counters of a guest's NIC, and its ICMP echo counters. */
interface Counters {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
  inEchos: number;
  inEchoReps: number;
  outEchos: number;
  outEchoReps: number;
}

/** The QEMU options of one side of the link. */
function sideArgs(netdev: string, mac: string, modern: boolean): string[] {
  const transport = modern ? "disable-legacy=on" : "disable-modern=on";
  return [
    "-netdev",
    `socket,id=n0,${netdev}`,
    "-device",
    `virtio-net-pci,netdev=n0,mac=${mac},${transport}`,
    ...defaultGuestArgs(),
  ];
}

/**
 * Finds the NIC by its MAC, checks that virtio_net drives it over the expected transport,
 * brings it up with the guest's address, and returns the interface name.
 */
async function configure({ vm, ip, mac, modern }: Guest): Promise<string> {
  const links = await vm.run("ip -o link");
  const name = new RegExp(`\\d+: (eth\\d+): .*link/ether ${mac} `).exec(links)?.[1];
  assert.ok(name, `an interface with MAC ${mac} in:\n${links}`);

  const device = await vm.run(`basename $(readlink /sys/class/net/${name}/device)`);
  const virtio = /\n(virtio\d+)\n/.exec(device)?.[1];
  assert.ok(virtio, `a virtio device under ${name}:\n${device}`);
  const bound = await vm.run("ls /sys/bus/virtio/drivers/virtio_net");
  assert.match(bound, new RegExp(`\\b${virtio}\\b`), `virtio_net drives ${virtio}`);

  // The negotiated features, bit 0 first: VERSION_1 is bit 32, set only by a modern driver.
  const features = /\n([01]{64})\n/.exec(await vm.run(`cat /sys/class/net/${name}/device/features`))
    ?.[1];
  assert.ok(features, `${name}'s features`);
  assert.equal(features[32], modern ? "1" : "0", `VERSION_1 on ${mac}`);

  await vm.run("for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 > $f; done");
  await vm.run(`ip link set ${name} up; ip addr add ${ip}/24 dev ${name}`);
  return name;
}

/** The counters of `guest`'s NIC `name`, read in the guest. */
async function counters(vm: GuestSession, name: string): Promise<Counters> {
  const text = await vm.run(
    `(cd /sys/class/net/${name}/statistics; echo nic $(cat rx_packets rx_bytes tx_packets ` +
      "tx_bytes)); grep ^Icmp: /proc/net/snmp",
  );
  const nic = /^nic (\d+) (\d+) (\d+) (\d+)$/m.exec(text);
  assert.ok(nic, `NIC counters in:\n${text}`);
  // The names line and the values line (not the echo of the command, which the shell may wrap).
  const icmp = [...text.matchAll(/^Icmp: (InMsgs [A-Za-z ]+|[\d ]+)$/gm)]
    .map((m) => m[1].trim().split(/\s+/));
  assert.equal(icmp.length, 2, `ICMP names and values in:\n${text}`);
  const [names, values] = icmp;
  const get = (field: string) => {
    const i = names.indexOf(field);
    assert.ok(i >= 0, `Icmp ${field} in:\n${text}`);
    return Number(values[i]);
  };
  return {
    rxPackets: Number(nic[1]),
    rxBytes: Number(nic[2]),
    txPackets: Number(nic[3]),
    txBytes: Number(nic[4]),
    inEchos: get("InEchos"),
    inEchoReps: get("InEchoReps"),
    outEchos: get("OutEchos"),
    outEchoReps: get("OutEchoReps"),
  };
}

/** Pings `to` from `from` and checks every reply. */
async function ping(from: Guest, to: Guest): Promise<void> {
  const out = await from.vm.run(`ping -c ${PINGS} -W 5 ${to.ip}`, 30_000);
  assert.match(
    out,
    new RegExp(`${PINGS} packets transmitted, ${PINGS} packets received, 0% packet loss`),
    out,
  );
  const seqs = [...out.matchAll(new RegExp(`^64 bytes from ${to.ip}: seq=(\\d+) ttl=64 `, "gm"))]
    .map((m) => Number(m[1]));
  assert.deepEqual(seqs, [...Array(PINGS).keys()], `one reply per request:\n${out}`);
  const neighbours = await from.vm.run("ip neigh");
  assert.match(neighbours, new RegExp(`^${to.ip} dev eth\\d+ lladdr ${to.mac} `, "m"), neighbours);
}

/** The programs on either side of the link. */
interface Programs {
  /** What runs the listening, modern side. @default the VMM */
  listen?: string;
  /** What runs the connecting, legacy side. @default the VMM */
  connect?: string;
}

/** Boots both sides, pings both ways and powers both off. */
async function pingAcross(programs: Programs = {}): Promise<void> {
  const port = freeTcpPort();
  const a = { ip: "10.0.9.1", mac: "52:54:00:00:00:0a", modern: true };
  const b = { ip: "10.0.9.2", mac: "52:54:00:00:00:0b", modern: false };
  const sessions: GuestSession[] = [];
  try {
    const vmA = new GuestSession(
      sideArgs(`listen=127.0.0.1:${port}`, a.mac, a.modern),
      { command: programs.listen },
    );
    sessions.push(vmA);
    // The NIC's backend is open, listening, before the guest runs; its first words say so.
    await vmA.waitFor("Linux version", BOOT_MS);
    const vmB = new GuestSession(
      sideArgs(`connect=127.0.0.1:${port}`, b.mac, b.modern),
      { command: programs.connect },
    );
    sessions.push(vmB);
    await Promise.all([vmA.booted(BOOT_MS), vmB.booted(BOOT_MS)]);
    const guestA: Guest = { vm: vmA, ...a };
    const guestB: Guest = { vm: vmB, ...b };
    const nameA = await configure(guestA);
    const nameB = await configure(guestB);

    await ping(guestA, guestB);
    await ping(guestB, guestA);

    // What one side sent, the other received: nothing lost, duplicated or added on the way.
    // A late ARP probe may still be crossing, so look again until both sides agree.
    let ca: Counters | undefined;
    let cb: Counters | undefined;
    for (let tries = 0; tries < 20; tries++) {
      [ca, cb] = [await counters(vmA, nameA), await counters(vmB, nameB)];
      if (ca.txPackets === cb.rxPackets && cb.txPackets === ca.rxPackets) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(ca && cb);
    assert.deepEqual([cb.rxPackets, cb.rxBytes], [ca.txPackets, ca.txBytes], "A → B");
    assert.deepEqual([ca.rxPackets, ca.rxBytes], [cb.txPackets, cb.txBytes], "B → A");
    // Each direction's pings: requests and replies, and at least those frames on each wire.
    for (const c of [ca, cb]) {
      assert.deepEqual(
        [c.outEchos, c.inEchoReps, c.inEchos, c.outEchoReps],
        [PINGS, PINGS, PINGS, PINGS],
      );
      assert.ok(c.txPackets >= 2 * PINGS && c.rxPackets >= 2 * PINGS, JSON.stringify(c));
    }

    const [exitA, exitB] = await Promise.all([vmA.powerOff(), vmB.powerOff()]);
    assert.deepEqual([exitA, exitB], [0, 0], "exit statuses of A and B");
  } finally {
    await Promise.all(sessions.map((s) => s.kill()));
  }
}

Deno.test({
  name: "two VMMs ping each other over -netdev socket,listen=/connect=, modern NIC to legacy NIC",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => pingAcross(),
});

Deno.test({
  name: `${QEMU} (listen=, modern NIC) and the VMM (connect=, legacy NIC) ping each other`,
  ignore: !installed(QEMU),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => pingAcross({ listen: QEMU }),
});
