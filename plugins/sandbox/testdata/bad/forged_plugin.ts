/** A plugin that skips defineDevice and exports a look-alike with a malformed queue list. */
export default {
  kind: "deno-vmm.device/1",
  name: "test-forged",
  category: "Misc",
  deviceId: 4,
  queueSizes: [3],
  properties: {},
  backend: () => ({ activate() {}, notify() {}, reset() {} }),
};
