/** Checks an I/O port range from device options, throwing an Error naming the device. */
export function checkPortRange(device: string, iobase: number, iosize: number): void {
  if (!Number.isInteger(iobase) || iobase < 0 || iobase > 0xffff) {
    throw new Error(`${device}: iobase must be an integer port 0x0-0xffff, got ${iobase}`);
  }
  if (!Number.isInteger(iosize) || iosize < 1 || iobase + iosize > 0x10000) {
    throw new Error(
      `${device}: iosize must be an integer from 1 to ${0x10000 - iobase} at iobase ` +
        `0x${iobase.toString(16)}, got ${iosize}`,
    );
  }
}
