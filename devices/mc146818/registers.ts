/**
 * CMOS indices and register bits of the MC146818A RTC as a PC uses it
 * (Motorola MC146818A datasheet, "Register Description").
 */

/** Index/NMI-mask port and data port. */
export const RTC_INDEX_PORT = 0x70;
/** Data port for the byte selected through port 0x70. */
export const RTC_DATA_PORT = 0x71;

/** Seconds, 0–59. */
export const RTC_SECONDS = 0x00;
/** Seconds alarm; 0xC0–0xFF matches any second. */
export const RTC_SECONDS_ALARM = 0x01;
/** Minutes, 0–59. */
export const RTC_MINUTES = 0x02;
/** Minutes alarm; 0xC0–0xFF matches any minute. */
export const RTC_MINUTES_ALARM = 0x03;
/** Hours, 0–23 or 1–12 with bit 7 = PM. */
export const RTC_HOURS = 0x04;
/** Hours alarm; 0xC0–0xFF matches any hour. */
export const RTC_HOURS_ALARM = 0x05;
/** Day of week, 1 = Sunday. */
export const RTC_DAY_OF_WEEK = 0x06;
/** Day of month, 1–31. */
export const RTC_DAY_OF_MONTH = 0x07;
/** Month, 1–12. */
export const RTC_MONTH = 0x08;
/** Year within the century, 0–99. */
export const RTC_YEAR = 0x09;
/** Register A: UIP, divider, rate select. */
export const RTC_REG_A = 0x0a;
/** Register B: SET, interrupt enables, data format. */
export const RTC_REG_B = 0x0b;
/** Register C: interrupt flags, cleared by reading. */
export const RTC_REG_C = 0x0c;
/** Register D: valid RAM and time. */
export const RTC_REG_D = 0x0d;
/** Century byte, where QEMU and ACPI's FADT put it. */
export const RTC_CENTURY = 0x32;

/** Register A: update in progress (read-only). */
export const REG_A_UIP = 0x80;
/** Register A: divider control DV2–DV0 (010 = 32.768 kHz time base running). */
export const REG_A_DV_MASK = 0x70;
/** Register A: rate select RS3–RS0 for the periodic interrupt. */
export const REG_A_RS_MASK = 0x0f;

/** Register B: SET inhibits updates so software can write the time. */
export const REG_B_SET = 0x80;
/** Register B: periodic interrupt enable. */
export const REG_B_PIE = 0x40;
/** Register B: alarm interrupt enable. */
export const REG_B_AIE = 0x20;
/** Register B: update-ended interrupt enable. */
export const REG_B_UIE = 0x10;
/** Register B: square-wave output enable (no pin on a PC). */
export const REG_B_SQWE = 0x08;
/** Register B: data mode, 1 = binary, 0 = BCD. */
export const REG_B_DM = 0x04;
/** Register B: 1 = 24-hour clock, 0 = 12-hour with bit 7 of the hour as PM. */
export const REG_B_24H = 0x02;
/** Register B: daylight saving enable (not implemented by QEMU either). */
export const REG_B_DSE = 0x01;

/** Register C: interrupt request flag, set while any enabled flag is set. */
export const REG_C_IRQF = 0x80;
/** Register C: periodic interrupt flag. */
export const REG_C_PF = 0x40;
/** Register C: alarm flag. */
export const REG_C_AF = 0x20;
/** Register C: update-ended flag. */
export const REG_C_UF = 0x10;

/** Register D: valid RAM and time, always set (the battery is never flat). */
export const REG_D_VRT = 0x80;
