import assert from "node:assert/strict";
import dgram from "node:dgram";
import { freeUdpPort } from "../plugins/devices/virtio_net_test_peer.ts";
import { defaultGuestArgs, GuestSession } from "./guest_session.ts";

const ETH_ARP = 0x0806;
const ETH_IPV4 = 0x0800;
const IP_ICMP = 1;
const ICMP_ECHO_REPLY = 0;
const ICMP_ECHO_REQUEST = 8;
const ARP_REQUEST = 1;
const ARP_REPLY = 2;

const mac = (text: string) => Uint8Array.from(text.split(":"), (b) => parseInt(b, 16));
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":");

/** The Internet checksum (RFC 1071) of `bytes`. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An Ethernet frame, padded to the 60-byte minimum as a real NIC sends it. */
function ethernet(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array) {
  const frame = new Uint8Array(Math.max(60, 14 + payload.length));
  frame.set(dst, 0);
  frame.set(src, 6);
  new DataView(frame.buffer).setUint16(12, type);
  frame.set(payload, 14);
  return frame;
}

/**
 * The far end of one `-netdev socket,udp=` link: a host at `ip` that answers ARP requests for
 * its address and ICMP echo requests to it, and records what the guest sent.
 */
class TinyHost {
  readonly port: number;
  /** Source MACs of every frame the guest sent. */
  readonly sources = new Set<string>();
  /** Source ports of the datagrams: the device's localaddr. */
  readonly fromPorts = new Set<number>();
  /** Destination MACs of the echo requests: ours, learnt through ARP. */
  readonly echoDestinations = new Set<string>();
  arpRequests = 0;
  echoRequests = 0;
  readonly mac: string;
  readonly #socket: dgram.Socket;
  readonly #ip: Uint8Array;
  readonly #mac: Uint8Array;
  #device = 0;

  private constructor(socket: dgram.Socket, ip: Uint8Array, hostMac: Uint8Array) {
    this.#socket = socket;
    this.#ip = ip;
    this.#mac = hostMac;
    this.mac = hex(hostMac);
    this.port = socket.address().port;
    socket.on("message", (msg: Uint8Array, from: { port: number }) => {
      this.fromPorts.add(from.port);
      this.#device = from.port;
      this.#answer(new Uint8Array(msg));
    });
  }

  static async open(ip: string, hostMac: string): Promise<TinyHost> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    return new TinyHost(socket, Uint8Array.from(ip.split("."), Number), mac(hostMac));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #send(frame: Uint8Array): void {
    this.#socket.send(frame, this.#device, "127.0.0.1");
  }

  #answer(frame: Uint8Array): void {
    const view = new DataView(frame.buffer);
    const src = frame.slice(6, 12);
    this.sources.add(hex(src));
    const type = view.getUint16(12);
    if (type === ETH_ARP && view.getUint16(20) === ARP_REQUEST) {
      if (hex(frame.subarray(38, 42)) !== hex(this.#ip)) return;
      this.arpRequests++;
      const arp = new Uint8Array(28);
      const a = new DataView(arp.buffer);
      a.setUint16(0, 1); // Ethernet
      a.setUint16(2, ETH_IPV4);
      arp[4] = 6;
      arp[5] = 4;
      a.setUint16(6, ARP_REPLY);
      arp.set(this.#mac, 8);
      arp.set(this.#ip, 14);
      arp.set(frame.subarray(22, 28), 18); // the asker's MAC
      arp.set(frame.subarray(28, 32), 24); // and IP
      this.#send(ethernet(src, this.#mac, ETH_ARP, arp));
    } else if (type === ETH_IPV4 && frame[23] === IP_ICMP) {
      const ihl = (frame[14] & 0x0f) * 4;
      const total = view.getUint16(16);
      if (hex(frame.subarray(30, 34)) !== hex(this.#ip)) return;
      if (frame[14 + ihl] !== ICMP_ECHO_REQUEST) return;
      this.echoDestinations.add(hex(frame.subarray(0, 6)));
      this.echoRequests++;
      const ip = frame.slice(14, 14 + total);
      const v = new DataView(ip.buffer);
      ip.set(frame.subarray(30, 34), 12); // from us
      ip.set(frame.subarray(26, 30), 16); // to the guest
      ip[8] = 64;
      v.setUint16(10, 0);
      v.setUint16(10, checksum(ip.subarray(0, ihl)));
      ip[ihl] = ICMP_ECHO_REPLY;
      v.setUint16(ihl + 2, 0);
      v.setUint16(ihl + 2, checksum(ip.subarray(ihl)));
      this.#send(ethernet(src, this.#mac, ETH_IPV4, ip));
    }
  }
}

Deno.test({
  name: "Linux pings hosts through virtio-net-pci on both transports over -netdev socket,udp=",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // eth0: modern transport, MSI-X, mergeable buffers (12-byte header).
    // eth1: legacy transport, INTx, no mergeable buffers (10-byte header).
    const links = [
      {
        guestIp: "10.0.2.15",
        guestMac: "52:54:00:12:34:56",
        host: await TinyHost.open("10.0.2.2", "52:55:0a:00:02:02"),
        local: await freeUdpPort(),
        device: "virtio-net-pci,netdev=n0",
        modern: true,
        mergeable: true,
      },
      {
        guestIp: "10.0.3.15",
        guestMac: "52:54:00:12:34:57",
        host: await TinyHost.open("10.0.3.2", "52:55:0a:00:03:02"),
        local: await freeUdpPort(),
        device: "virtio-net-pci,netdev=n1,mac=52:54:00:12:34:57,disable-modern=on,vectors=0," +
          "mrg_rxbuf=off",
        modern: false,
        mergeable: false,
      },
    ];
    const vm = new GuestSession([
      ...links.flatMap((l, i) => [
        "-netdev",
        `socket,id=n${i},udp=127.0.0.1:${l.host.port},localaddr=127.0.0.1:${l.local}`,
        "-device",
        l.device,
      ]),
      ...defaultGuestArgs(),
    ]);
    try {
      await vm.booted();
      const linkList = await vm.run("ip -o link");
      for (const [i, l] of links.entries()) {
        const name = new RegExp(`\\d+: (eth\\d): .*link/ether ${l.guestMac} `).exec(linkList)
          ?.[1];
        assert.ok(name, `an interface with MAC ${l.guestMac} in:\n${linkList}`);
        const hostIp = `10.0.${2 + i}.2`;
        await vm.run(`ip link set ${name} up; ip addr add ${l.guestIp}/24 dev ${name}`);
        // The negotiated features, bit 0 first: MRG_RXBUF is bit 15, VERSION_1 bit 32.
        const features = /\n([01]{64})\n/.exec(
          await vm.run(`cat /sys/class/net/${name}/device/features`),
        )?.[1];
        assert.equal(features?.[15], l.mergeable ? "1" : "0", "MRG_RXBUF");
        assert.equal(features?.[32], l.modern ? "1" : "0", "VERSION_1");
        const ping = await vm.run(`ping -c 3 ${hostIp}`, 120_000);
        assert.match(ping, /3 packets transmitted, 3 packets received/, ping);
        // Full-size frames: 1472 bytes of data make a 1500-byte IP packet, the MTU.
        const big = await vm.run(`ping -c 2 -s 1472 ${hostIp}`, 120_000);
        assert.match(big, /2 packets transmitted, 2 packets received/, big);
        assert.match(big, /1480 bytes from/, big);
        assert.equal(l.host.echoRequests, 5, `echo requests that reached ${hostIp}`);
        assert.ok(l.host.arpRequests >= 1, `the guest asked for ${hostIp}'s MAC`);
        assert.deepEqual([...l.host.echoDestinations], [l.host.mac], "pings went to our MAC");
        assert.deepEqual([...l.host.sources], [l.guestMac], "every frame has the NIC's MAC");
        assert.deepEqual([...l.host.fromPorts], [l.local], "every datagram left from localaddr");
      }
      assert.equal(await vm.powerOff(), 0);
    } finally {
      await vm.kill();
      for (const l of links) await l.host.close();
    }
  },
});
