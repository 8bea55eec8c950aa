/**
 * Conversions between the RTC's count of seconds and its time registers.
 * The seconds count is days since 1970-01-01 in the RTC's own calendar (no
 * time zone), so time of day is simply the count modulo 86400.
 */
import {
  RTC_CENTURY,
  RTC_DAY_OF_MONTH,
  RTC_DAY_OF_WEEK,
  RTC_HOURS,
  RTC_MINUTES,
  RTC_MONTH,
  RTC_SECONDS,
  RTC_YEAR,
} from "./registers.ts";

/** Register B's data format bits. */
export interface Format {
  binary: boolean;
  hours24: boolean;
}

const DAY = 86400;

/** A value 0–99 (0–255 in binary mode) as its register byte. */
export function encode(v: number, f: Format): number {
  return f.binary ? v & 0xff : ((Math.floor(v / 10) % 10) << 4) | (v % 10);
}

/** A register byte as a number; bad BCD digits just weigh what they say. */
export function decode(b: number, f: Format): number {
  return f.binary ? b : (b >> 4) * 10 + (b & 0x0f);
}

/** Hour 0–23 as the hours register byte (12-hour: 1–12, bit 7 = PM). */
export function encodeHour(h: number, f: Format): number {
  if (f.hours24) return encode(h, f);
  return encode(h % 12 === 0 ? 12 : h % 12, f) | (h >= 12 ? 0x80 : 0);
}

/** Writes the date and time of second `sec` into the time registers of `ram`. */
export function storeTime(ram: Uint8Array, sec: number, f: Format): void {
  const d = new Date(sec * 1000);
  const year = d.getUTCFullYear();
  ram[RTC_SECONDS] = encode(d.getUTCSeconds(), f);
  ram[RTC_MINUTES] = encode(d.getUTCMinutes(), f);
  ram[RTC_HOURS] = encodeHour(d.getUTCHours(), f);
  ram[RTC_DAY_OF_WEEK] = encode(d.getUTCDay() + 1, f);
  ram[RTC_DAY_OF_MONTH] = encode(d.getUTCDate(), f);
  ram[RTC_MONTH] = encode(d.getUTCMonth() + 1, f);
  ram[RTC_YEAR] = encode(((year % 100) + 100) % 100, f);
  ram[RTC_CENTURY] = encode(Math.max(0, Math.floor(year / 100)), f);
}

/**
 * The second the time registers of `ram` name. Out-of-range fields carry
 * over (61 seconds is a minute and one second), as mktime does for QEMU;
 * the day of week is derived from the date, not read.
 */
export function loadTime(ram: Uint8Array, f: Format): number {
  const rawHour = ram[RTC_HOURS];
  let hour = decode(rawHour & 0x7f, f);
  if (!f.hours24) hour = (hour % 12) + (rawHour & 0x80 ? 12 : 0);
  const d = new Date(0);
  d.setUTCFullYear(
    decode(ram[RTC_CENTURY], f) * 100 + decode(ram[RTC_YEAR], f),
    decode(ram[RTC_MONTH], f) - 1,
    decode(ram[RTC_DAY_OF_MONTH], f),
  );
  d.setUTCHours(hour, decode(ram[RTC_MINUTES], f), decode(ram[RTC_SECONDS], f), 0);
  return Math.floor(d.getTime() / 1000);
}

/**
 * The first second at or after `from` whose seconds, minutes and hours
 * registers equal the alarm bytes, or Infinity if none ever will. The chip
 * compares register bytes, so the match is done in the current format; an
 * alarm byte of 0xC0–0xFF matches anything (datasheet, "Alarm").
 */
export function nextAlarm(
  from: number,
  alarm: { sec: number; min: number; hour: number },
  f: Format,
): number {
  const hit = (a: number, b: number) => (a & 0xc0) === 0xc0 || a === b;
  const secs = range(60).filter((s) => hit(alarm.sec, encode(s, f)));
  const mins = range(60).filter((m) => hit(alarm.min, encode(m, f)));
  const hours = range(24).filter((h) => hit(alarm.hour, encodeHour(h, f)));
  if (secs.length === 0 || mins.length === 0 || hours.length === 0) return Infinity;
  const today = from - (((from % DAY) + DAY) % DAY);
  for (let day = today; day <= today + DAY; day += DAY) {
    for (const h of hours) {
      const hourStart = day + h * 3600;
      if (hourStart + 3599 < from) continue;
      for (const m of mins) {
        const minuteStart = hourStart + m * 60;
        if (minuteStart + 59 < from) continue;
        for (const s of secs) if (minuteStart + s >= from) return minuteStart + s;
      }
    }
  }
  return Infinity;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
