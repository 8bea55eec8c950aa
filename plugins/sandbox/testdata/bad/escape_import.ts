/** A module importing a file outside its directory and the SDK's. */
import { IrqLine } from "../../../../devices/irq.ts";
export default IrqLine;
