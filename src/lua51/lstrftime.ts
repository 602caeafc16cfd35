/**
 * glibc's `strftime` in the "C" locale, one conversion at a time as 5.1's
 * `os.date` calls it, over a broken-down time computed by JS's Date.
 */

/** C's `struct tm`, plus what %z/%Z need. */
export interface BrokenDownTime {
  sec: number;
  min: number;
  hour: number;
  day: number;
  /** 0 to 11 */
  month: number;
  year: number;
  /** 0 (Sunday) to 6 */
  wday: number;
  /** 0 to 365 */
  yday: number;
  isdst: boolean;
  /** Seconds east of UTC. */
  gmtoff: number;
  zone: string;
  /**
   * What glibc's %s prints: mktime() of these fields in the local zone, as
   * standard or summer time as `isdst` says; for a UTC time that is the time
   * shifted by the local zone's standard offset.
   */
  mktime: number;
}

function dayOfYear(date: Date, utc: boolean): number {
  const start = utc ? Date.UTC(date.getUTCFullYear(), 0, 1) : new Date(date.getFullYear(), 0, 1).getTime();
  const today = utc
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    : new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  return Math.round((today - start) / 86400000);
}

/** The local zone's abbreviation, as glibc's tzname gives it ("UTC" when TZ is unset). */
function localZoneName(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** `gmtime` (utc) or `localtime` of a time_t; null when out of Date's range. */
export function breakDown(time: number, utc: boolean): BrokenDownTime | null {
  const seconds = Math.trunc(time);
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return null;
  /** The local zone's standard offset (minutes east of UTC) in a year: the smaller of January's and July's. */
  const standardOffset = (year: number): number =>
    Math.min(-new Date(year, 0, 1).getTimezoneOffset(), -new Date(year, 6, 1).getTimezoneOffset());
  if (utc) {
    const year = date.getUTCFullYear();
    return {
      sec: date.getUTCSeconds(), min: date.getUTCMinutes(), hour: date.getUTCHours(), day: date.getUTCDate(),
      month: date.getUTCMonth(), year, wday: date.getUTCDay(), yday: dayOfYear(date, true),
      isdst: false, gmtoff: 0, zone: 'GMT', mktime: seconds - standardOffset(year) * 60,
    };
  }
  const offset = -date.getTimezoneOffset();
  const year = date.getFullYear();
  return {
    sec: date.getSeconds(), min: date.getMinutes(), hour: date.getHours(), day: date.getDate(),
    month: date.getMonth(), year, wday: date.getDay(), yday: dayOfYear(date, false),
    isdst: offset > standardOffset(year), gmtoff: offset * 60, zone: localZoneName(date), mktime: seconds,
  };
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad(n: number, width: number, fill = '0'): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : fill.repeat(width - s.length) + s);
}

/** ISO 8601 week-based year and week number (%G, %V). */
function isoWeek(tm: BrokenDownTime): { year: number; week: number } {
  const isoWday = (tm.wday + 6) % 7;
  const thursdayYday = tm.yday - isoWday + 3;
  const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (thursdayYday < 0) {
    const previousDays = isLeap(tm.year - 1) ? 366 : 365;
    return { year: tm.year - 1, week: Math.floor((thursdayYday + previousDays) / 7) + 1 };
  }
  if (thursdayYday >= (isLeap(tm.year) ? 366 : 365)) return { year: tm.year + 1, week: 1 };
  return { year: tm.year, week: Math.floor(thursdayYday / 7) + 1 };
}

/** One conversion `%c` of strftime; an unknown one is copied, as glibc does. */
export function strftimeConversion(c: string, tm: BrokenDownTime): string {
  const hour12 = tm.hour % 12 === 0 ? 12 : tm.hour % 12;
  switch (c) {
    case 'a': return DAYS[tm.wday]!.slice(0, 3);
    case 'A': return DAYS[tm.wday]!;
    case 'b': case 'h': return MONTHS[tm.month]!.slice(0, 3);
    case 'B': return MONTHS[tm.month]!;
    case 'c': return `${strftimeConversion('a', tm)} ${strftimeConversion('b', tm)} ${pad(tm.day, 2, ' ')} ${strftimeConversion('T', tm)} ${tm.year}`;
    case 'C': return pad(Math.floor(tm.year / 100), 2);
    case 'd': return pad(tm.day, 2);
    case 'D': return `${pad(tm.month + 1, 2)}/${pad(tm.day, 2)}/${pad(tm.year % 100, 2)}`;
    case 'e': return pad(tm.day, 2, ' ');
    case 'F': return `${pad(tm.year, 4)}-${pad(tm.month + 1, 2)}-${pad(tm.day, 2)}`;
    case 'g': return pad(isoWeek(tm).year % 100, 2);
    case 'G': return String(isoWeek(tm).year);
    case 'H': return pad(tm.hour, 2);
    case 'I': return pad(hour12, 2);
    case 'j': return pad(tm.yday + 1, 3);
    case 'k': return pad(tm.hour, 2, ' ');
    case 'l': return pad(hour12, 2, ' ');
    case 'm': return pad(tm.month + 1, 2);
    case 'M': return pad(tm.min, 2);
    case 'n': return '\n';
    case 'p': return tm.hour < 12 ? 'AM' : 'PM';
    case 'P': return tm.hour < 12 ? 'am' : 'pm';
    case 'r': return `${pad(hour12, 2)}:${pad(tm.min, 2)}:${pad(tm.sec, 2)} ${tm.hour < 12 ? 'AM' : 'PM'}`;
    case 'R': return `${pad(tm.hour, 2)}:${pad(tm.min, 2)}`;
    case 's': return String(tm.mktime);
    case 'S': return pad(tm.sec, 2);
    case 't': return '\t';
    case 'T': case 'X': return `${pad(tm.hour, 2)}:${pad(tm.min, 2)}:${pad(tm.sec, 2)}`;
    case 'u': return String(tm.wday === 0 ? 7 : tm.wday);
    case 'U': return pad(Math.floor((tm.yday + 7 - tm.wday) / 7), 2);
    case 'V': return pad(isoWeek(tm).week, 2);
    case 'w': return String(tm.wday);
    case 'W': return pad(Math.floor((tm.yday + 7 - ((tm.wday + 6) % 7)) / 7), 2);
    case 'x': return `${pad(tm.month + 1, 2)}/${pad(tm.day, 2)}/${pad(tm.year % 100, 2)}`;
    case 'y': return pad(tm.year % 100, 2);
    case 'Y': return String(tm.year);
    case 'z': {
      const minutes = Math.abs(tm.gmtoff) / 60;
      return `${tm.gmtoff < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60), 2)}${pad(minutes % 60, 2)}`;
    }
    case 'Z': return tm.zone;
    case '%': return '%';
    default: return `%${c}`;
  }
}
