/**
 * Time windows, in the policy's IANA time zone (Intl; daylight saving handled by the zone data).
 * `from` is inclusive, `to` exclusive (`24:00` is the end of the day). When `from` is later than
 * `to` the window crosses midnight, and the part after midnight belongs to the day it started
 * on: `days: [fri], from: '22:00', to: '06:00'` holds on Friday 23:00 and on Saturday 02:00.
 * Only `from` means until midnight; only `to` means from midnight.
 */
import { type TimeWindow, WEEKDAYS, type Weekday } from './schema.ts';

export interface LocalTime {
  day: Weekday;
  /** minutes since local midnight */
  minutes: number;
  /** `Fri 23:05 Europe/Zurich`, for explanations */
  text: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

export function localTime(now: Date, timeZone: string): LocalTime {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const day = String(parts['weekday']).toLowerCase().slice(0, 3) as Weekday;
  const hh = Number(parts['hour']) % 24;
  const mm = Number(parts['minute']);
  return {
    day,
    minutes: hh * 60 + mm,
    text: `${parts['weekday']} ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')} ${timeZone}`,
  };
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function previousDay(d: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(d) + 6) % 7]!;
}

export function describeWindow(w: TimeWindow): string {
  const days = w.days ? w.days.join(',') : 'any day';
  const hours = w.from || w.to ? ` ${w.from ?? '00:00'}–${w.to ?? '24:00'}` : '';
  return `${days}${hours} ${w.timezone}`;
}

/** Whether `now` falls in the window, and the local time it was judged at. */
export function inTimeWindow(w: TimeWindow, now: Date): { holds: boolean; local: LocalTime } {
  const local = localTime(now, w.timezone);
  const from = w.from === undefined ? 0 : toMinutes(w.from);
  const to = w.to === undefined ? 24 * 60 : toMinutes(w.to);
  let day: Weekday | null = null;
  if (from < to) {
    if (local.minutes >= from && local.minutes < to) day = local.day;
  } else if (local.minutes >= from) {
    day = local.day;
  } else if (local.minutes < to) {
    day = previousDay(local.day); // the after-midnight part of a window that began the day before
  }
  const holds = day !== null && (w.days === undefined || w.days.includes(day));
  return { holds, local };
}
