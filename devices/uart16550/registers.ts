/**
 * Register offsets and bits of the PC16550D (National Semiconductor datasheet,
 * "Register Description" and Table II). Offsets 0 and 1 are the divisor latch
 * while LCR.DLAB is set.
 */

/** Offset 0: receiver buffer (read), transmitter holding register (write), DLL under DLAB. */
export const RBR_THR_DLL = 0;
/** Offset 1: interrupt enable register, DLM under DLAB. */
export const IER_DLM = 1;
/** Offset 2: interrupt identification (read), FIFO control (write). */
export const IIR_FCR = 2;
/** Offset 3: line control register. */
export const LCR = 3;
/** Offset 4: modem control register. */
export const MCR = 4;
/** Offset 5: line status register. */
export const LSR = 5;
/** Offset 6: modem status register. */
export const MSR = 6;
/** Offset 7: scratch register. */
export const SCR = 7;

/** IER: received data available (and character timeout) interrupt. */
export const IER_ERBFI = 0x01;
/** IER: transmitter holding register empty interrupt. */
export const IER_ETBEI = 0x02;
/** IER: receiver line status interrupt. */
export const IER_ELSI = 0x04;
/** IER: modem status interrupt. */
export const IER_EDSSI = 0x08;

/** IIR: no interrupt pending (bit 0 is active low). */
export const IIR_NONE = 0x01;
/** IIR: receiver line status, priority 1 (highest). */
export const IIR_RLS = 0x06;
/** IIR: received data available, priority 2. */
export const IIR_RDA = 0x04;
/** IIR: character timeout, priority 2. */
export const IIR_TIMEOUT = 0x0c;
/** IIR: transmitter holding register empty, priority 3. */
export const IIR_THRE = 0x02;
/** IIR: modem status, priority 4 (lowest). */
export const IIR_MODEM = 0x00;
/** IIR bits 6-7: set whenever FCR bit 0 enables the FIFOs. */
export const IIR_FIFO_ENABLED = 0xc0;

/** FCR: enable both FIFOs; changing it clears them. */
export const FCR_ENABLE = 0x01;
/** FCR: clear the receiver FIFO (self-clearing). */
export const FCR_CLEAR_RX = 0x02;
/** FCR: clear the transmitter FIFO (self-clearing). */
export const FCR_CLEAR_TX = 0x04;
/** FCR: DMA mode select (no effect without DMA wiring, but kept). */
export const FCR_DMA_MODE = 0x08;
/** FCR bits 6-7: receiver trigger level selector. */
export const FCR_TRIGGER_MASK = 0xc0;

/** Receiver FIFO trigger levels selected by FCR bits 6-7 (datasheet Table IV). */
export const RX_TRIGGER_LEVELS: readonly number[] = [1, 4, 8, 14];

/** LCR bits 0-1: word length minus 5. */
export const LCR_WORD_LENGTH = 0x03;
/** LCR: two stop bits (1.5 for 5-bit words). */
export const LCR_STOP_BITS = 0x04;
/** LCR: parity enable. */
export const LCR_PARITY = 0x08;
/** LCR: divisor latch access bit. */
export const LCR_DLAB = 0x80;

/** MCR: data terminal ready. */
export const MCR_DTR = 0x01;
/** MCR: request to send. */
export const MCR_RTS = 0x02;
/** MCR: OUT1 output. */
export const MCR_OUT1 = 0x04;
/** MCR: OUT2 output; on a PC it enables the IRQ driver. */
export const MCR_OUT2 = 0x08;
/** MCR: local loopback. */
export const MCR_LOOP = 0x10;
/** MCR bits that exist on a 16550; the rest read as 0. */
export const MCR_MASK = 0x1f;

/** LSR: data ready. */
export const LSR_DR = 0x01;
/** LSR: overrun error. */
export const LSR_OE = 0x02;
/** LSR: parity error. */
export const LSR_PE = 0x04;
/** LSR: framing error. */
export const LSR_FE = 0x08;
/** LSR: break interrupt. */
export const LSR_BI = 0x10;
/** LSR: transmitter holding register (or FIFO) empty. */
export const LSR_THRE = 0x20;
/** LSR: transmitter empty (holding and shift registers). */
export const LSR_TEMT = 0x40;
/** LSR: error bits cleared by reading LSR, which also raise the line status interrupt. */
export const LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;

/** MSR: delta clear to send. */
export const MSR_DCTS = 0x01;
/** MSR: delta data set ready. */
export const MSR_DDSR = 0x02;
/** MSR: trailing edge ring indicator. */
export const MSR_TERI = 0x04;
/** MSR: delta data carrier detect. */
export const MSR_DDCD = 0x08;
/** MSR: clear to send. */
export const MSR_CTS = 0x10;
/** MSR: data set ready. */
export const MSR_DSR = 0x20;
/** MSR: ring indicator. */
export const MSR_RI = 0x40;
/** MSR: data carrier detect. */
export const MSR_DCD = 0x80;

/** Input clock of a PC serial port: 1.8432 MHz, so divisor 1 gives 115200 baud. */
export const UART_CLOCK_HZ = 1_843_200;
