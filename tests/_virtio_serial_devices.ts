/**
 * The devices of the virtio-serial scenario that the machine test and the guest test both build:
 * one virtio-serial-pci, a virtconsole on chardev `c0` (port 0) and a virtserialport named
 * `org.test.0` on chardev `s0`. The caller defines the two chardevs.
 *
 * @module
 */

/** `-device` options for the virtio-serial-pci, its console on c0 and its port on s0. */
export const VIRTIO_SERIAL_DEVICES: readonly string[] = [
  "-device",
  "virtio-serial-pci",
  "-device",
  "virtconsole,chardev=c0",
  "-device",
  "virtserialport,chardev=s0,name=org.test.0",
];
