/**
 * Where generated cases live in the 32-bit address space. The host executable maps a code
 * window (RWX) and a data window (RW) at these addresses; every FlatTestCase the host runs must
 * fit inside them. Both are far from the harness's own pages (0x08048000 and 0x30000000).
 */

/** Base of the executable window the host copies each case's code into. */
export const CODE_WINDOW = 0x10000000;
/** Size of the code window in bytes. */
export const CODE_WINDOW_SIZE = 0x10000;
/** Base of the writable window holding each case's data area. */
export const DATA_WINDOW = 0x20000000;
/** Size of the data window in bytes. */
export const DATA_WINDOW_SIZE = 0x10000;

/** Default code address of generated cases. */
export const DEFAULT_CODE_ADDRESS = CODE_WINDOW;
/** Default data address of generated cases. */
export const DEFAULT_DATA_ADDRESS = DATA_WINDOW;
/** Default data area size of generated cases (one page). */
export const DEFAULT_DATA_SIZE = 0x1000;
