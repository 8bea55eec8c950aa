/** A plugin whose schema declares a property type that does not exist. */
import { defineDevice } from "../../../sdk/mod.ts";

export default defineDevice({
  name: "test-bad-schema",
  category: "Misc",
  deviceId: 4,
  queueSizes: [8],
  // deno-lint-ignore no-explicit-any
  properties: { speed: { type: "u99" } as any },
  backend: () => ({ activate() {}, notify() {}, reset() {} }),
});
