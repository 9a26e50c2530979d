import type { PriorityClass, SendWindow } from '@tuxhat/contracts';

import { instantOf, localDateTime } from '@tuxhat/contracts';

/** [start, end) in epoch milliseconds. */
export type Interval = readonly [number, number];

/** A window's state at an instant: open or closed, and until when that holds. */
export interface WindowState {
  readonly open: boolean;
  /** When the state changes (closing, or the next opening); null: not within the horizon. */
  readonly changesAt: number | null;
}

/** How far ahead the next opening is looked for. A weekly window always opens within 8 days. */
const HORIZON_DAYS = 8;

/** A send window ready to evaluate: times as minutes of the day, days as a set. */
export class CompiledWindow {
  readonly classes: ReadonlySet<PriorityClass>;
  readonly days: ReadonlySet<number>;
  readonly fromMinute: number;
  readonly toMinute: number;
  /** "windows[0] 09:00-20:00 Europe/Berlin Mon-Fri", for rejection reasons and status details. */
  readonly rule: string;

  constructor(
    readonly index: number,
    readonly spec: SendWindow,
    /** The policy's own zone, for windows without one. */
    readonly policyZone: string,
  ) {
    this.classes = new Set(spec.classes);
    this.days = new Set(spec.days ?? [1, 2, 3, 4, 5, 6, 7]);
    this.fromMinute = minuteOfDay(spec.from);
    this.toMinute = minuteOfDay(spec.to);
    this.rule = `windows[${index}] ${spec.from}-${spec.to} ${spec.timeZone ?? policyZone}${
      spec.days ? ` days ${spec.days.join(',')}` : ''
    }`;
  }

  appliesTo(priority: PriorityClass): boolean {
    return this.classes.has(priority);
  }

  /** The zone name this window's times are read in, unless it follows the destination. */
  get followsDestination(): boolean {
    return this.spec.timeZone === 'destination';
  }

  get zone(): string {
    return this.spec.timeZone && this.spec.timeZone !== 'destination'
      ? this.spec.timeZone
      : this.policyZone;
  }

  /**
   * The window's open intervals in one zone around `at`: one per listed local day, from the day
   * before (a window that crosses midnight may still be open) to the horizon. `from` equal to
   * `to` is a whole day.
   */
  intervalsIn(zone: string, at: number): Interval[] {
    const today = localDateTime(at, zone);
    const intervals: Interval[] = [];
    for (let offset = -1; offset <= HORIZON_DAYS; offset++) {
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
      const isoWeekday = ((date.getUTCDay() + 6) % 7) + 1;
      if (!this.days.has(isoWeekday)) continue;
      const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      const start = instantOf(
        year,
        month,
        day,
        hourOf(this.fromMinute),
        minOf(this.fromMinute),
        zone,
      );
      const endDay = this.toMinute > this.fromMinute ? day : day + 1;
      const end = instantOf(year, month, endDay, hourOf(this.toMinute), minOf(this.toMinute), zone);
      if (end > start) intervals.push([start, end]);
    }
    return mergeIntervals(intervals);
  }

  /**
   * Open or closed at `at` in every one of `zones` (a destination country spanning several
   * zones: the message may only arrive when the window is open in all of them).
   */
  stateAt(at: number, zones: readonly string[]): WindowState {
    let intervals: Interval[] | null = null;
    for (const zone of zones) {
      const own = this.intervalsIn(zone, at);
      intervals = intervals === null ? own : intersectIntervals(intervals, own);
    }
    return stateFromIntervals(intervals ?? [], at);
  }
}

export function stateFromIntervals(intervals: readonly Interval[], at: number): WindowState {
  for (const [start, end] of intervals) {
    if (at < start) return { open: false, changesAt: start };
    if (at < end) return { open: true, changesAt: end };
  }
  return { open: false, changesAt: null };
}

/** Sorted, overlapping or touching intervals joined. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The instants in both lists (each sorted and disjoint). */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i][0], b[j][0]);
    const end = Math.min(a[i][1], b[j][1]);
    if (start < end) result.push([start, end]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return result;
}

function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

const hourOf = (minute: number) => Math.floor(minute / 60);
const minOf = (minute: number) => minute % 60;
