/**
 * Two virtio-net-pci NICs of one Linux guest on one QEMU hub (`-netdev hubport`), plus a third
 * hub port joined to a UDP socket netdev that this test holds the other end of.
 *
 * Both NICs live in the same kernel, which would route a ping between two of its own addresses
 * internally and never put a frame on either NIC; the guest has no network namespaces and no
 * packet sockets either. So each side sends ICMP echo requests to an address that nobody has,
 * whose ARP entry the test pins to the other NIC's MAC: the frames must leave the sending NIC,
 * and they can only reach the other NIC through the hub. The receiving NIC's counters grow by
 * exactly those frames and bytes, the sender's receive counters do not (a hub never echoes), and
 * the test's own socket, the hub's third port, sees the same frames byte for byte. A broadcast
 * frame from the socket reaches both NICs. IPv6 is off, so no other frame is on the segment.
 *
 * One NIC comes from `-device`, the other from `-nic`; neither has `mac=`, so they get QEMU's
 * default addresses in QEMU's order: the `-nic` one first.
 */

import assert from "node:assert/strict";
import { freeUdpPort, UdpPeer } from "../plugins/devices/virtio_net_test_peer.ts";
import { defaultGuestArgs, GuestSession } from "./guest_session.ts";

const NIC_MAC = "52:54:00:12:34:56"; // -nic: created with the board, first default address
const DEVICE_MAC = "52:54:00:12:34:57"; // -device: the next one
const ICMP_FRAME = 14 + 20 + 8 + 56; // Ethernet, IPv4, ICMP header, ping's default 56 bytes
const PATTERN = 0xa5;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":");

/** rx_packets, rx_bytes and tx_packets of two interfaces, as the guest counts them. */
interface Counters {
  rxPackets: number[];
  rxBytes: number[];
  txPackets: number[];
}

Deno.test({
  name:
    "two NICs on one -netdev hubport hub exchange frames in the guest; a joined socket sees them",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const far = await UdpPeer.open();
    const local = await freeUdpPort();
    const vm = new GuestSession([
      "-netdev",
      `socket,id=up,udp=127.0.0.1:${far.port},localaddr=127.0.0.1:${local}`,
      "-netdev",
      "hubport,id=p0,hubid=0",
      "-netdev",
      "hubport,id=p1,hubid=0,netdev=up",
      "-device",
      "virtio-net-pci,netdev=p0",
      "-nic",
      "hubport,hubid=0,model=virtio",
      ...defaultGuestArgs(),
    ]);
    try {
      await vm.booted();
      const links = await vm.run("ip -o link");
      const name = (mac: string) => {
        const found = new RegExp(`\\d+: (eth\\d): .*link/ether ${mac} `).exec(links)?.[1];
        assert.ok(found, `an interface with MAC ${mac} in:\n${links}`);
        return found;
      };
      const a = name(DEVICE_MAC);
      const b = name(NIC_MAC);
      await vm.run("for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 > $f; done");
      await vm.run(`ip link set ${a} up; ip link set ${b} up`);
      await vm.run(
        `stats() { for i in ${a} ${b}; do for c in rx_packets rx_bytes tx_packets; do ` +
          `echo "$i $c $(cat /sys/class/net/$i/statistics/$c)"; done; done; }`,
      );
      const counters = async (): Promise<Counters> => {
        const text = await vm.run("stats");
        const get = (i: string, c: string) => {
          const m = new RegExp(`^${i} ${c} (\\d+)$`, "m").exec(text);
          assert.ok(m, `${i} ${c} in:\n${text}`);
          return Number(m[1]);
        };
        return {
          rxPackets: [get(a, "rx_packets"), get(b, "rx_packets")],
          rxBytes: [get(a, "rx_bytes"), get(b, "rx_bytes")],
          txPackets: [get(a, "tx_packets"), get(b, "tx_packets")],
        };
      };
      const delta = (before: Counters, after: Counters) => ({
        rxPackets: after.rxPackets.map((v, i) => v - before.rxPackets[i]),
        rxBytes: after.rxBytes.map((v, i) => v - before.rxBytes[i]),
        txPackets: after.txPackets.map((v, i) => v - before.txPackets[i]),
      });

      // a → b: four echo requests to 10.0.0.9, "at" b's MAC.
      await vm.run(`ip addr add 10.0.0.1/24 dev ${a}; arp -i ${a} -s 10.0.0.9 ${NIC_MAC}`);
      let before = await counters();
      const ping = await vm.run(`ping -c 4 -i 0.2 -W 1 -p a5 10.0.0.9`, 60_000);
      assert.match(ping, /4 packets transmitted, 0 packets received/, ping);
      let moved = delta(before, await counters());
      assert.deepEqual(moved.txPackets, [4, 0], "a sent the four requests");
      assert.deepEqual(moved.rxPackets, [0, 4], "b got them; a got none back");
      assert.deepEqual(moved.rxBytes, [0, 4 * ICMP_FRAME]);
      for (let i = 0; i < 4; i++) {
        const { data, port } = await far.next(10_000);
        assert.equal(port, local, "the joined netdev sends from its localaddr");
        assert.equal(data.length, ICMP_FRAME);
        assert.equal(hex(data.subarray(0, 6)), NIC_MAC, "to b");
        assert.equal(hex(data.subarray(6, 12)), DEVICE_MAC, "from a");
        assert.deepEqual([data[12], data[13], data[23], data[34]], [8, 0, 1, 8], "ICMP echo");
        assert.ok(data.subarray(ICMP_FRAME - 40).every((x) => x === PATTERN), "ping's pattern");
      }

      // b → a: three requests the other way.
      await vm.run(`ip addr add 10.0.1.1/24 dev ${b}; arp -i ${b} -s 10.0.1.9 ${DEVICE_MAC}`);
      before = await counters();
      const back = await vm.run(`ping -c 3 -i 0.2 -W 1 10.0.1.9`, 60_000);
      assert.match(back, /3 packets transmitted, 0 packets received/, back);
      moved = delta(before, await counters());
      assert.deepEqual(moved.txPackets, [0, 3]);
      assert.deepEqual(moved.rxPackets, [3, 0]);
      assert.deepEqual(moved.rxBytes, [3 * ICMP_FRAME, 0]);
      for (let i = 0; i < 3; i++) {
        const { data } = await far.next(10_000);
        assert.equal(hex(data.subarray(0, 12)), `${DEVICE_MAC}:${NIC_MAC}`);
      }

      // The socket's broadcast reaches both NICs (an EtherType nobody handles: counted only).
      before = await counters();
      const broadcast = new Uint8Array(60);
      broadcast.fill(0xff, 0, 6);
      broadcast.set([0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5], 6);
      await far.send(broadcast, local);
      let after = before;
      for (let tries = 0; tries < 50; tries++) {
        after = await counters();
        if (after.rxPackets.every((v, i) => v > before.rxPackets[i])) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      moved = delta(before, after);
      assert.deepEqual(moved.rxPackets, [1, 1]);
      assert.deepEqual(moved.rxBytes, [60, 60]);
      assert.equal(far.queued, 0, "nothing else was on the segment");
      assert.equal(await vm.powerOff(), 0);
    } finally {
      await vm.kill();
      await far.close();
    }
  },
});
