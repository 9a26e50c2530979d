/**
 * Makes a validated event (zod's output: fresh plain objects, arrays and primitives) immutable
 * and gives it the shape its JSON has: properties whose value is undefined (zod keeps an
 * optional key given as undefined) are left out, as JSON.stringify leaves them out.
 *
 * The in-process bus hands one event object to every consumer group and to retries, where each
 * used to parse its own copy from JSON; frozen, a handler that changes an event fails loudly
 * (TypeError in strict mode) instead of changing what the next consumer sees. Kafka consumers
 * get their events frozen too, so a handler behaves the same on both buses.
 */
export function freezeEvent<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      // JSON writes an undefined element as null.
      if (item === undefined) value[index] = null;
      else if (typeof item === 'object' && item !== null) value[index] = freezeEvent(item);
    }
    return Object.freeze(value);
  }
  const object = value as Record<string, unknown>;
  let hasUndefined = false;
  for (const key of Object.keys(object)) {
    const field = object[key];
    if (field === undefined) hasUndefined = true;
    else if (typeof field === 'object' && field !== null) object[key] = freezeEvent(field);
  }
  if (!hasUndefined) return Object.freeze(value);
  const defined: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    if (object[key] !== undefined) defined[key] = object[key];
  }
  return Object.freeze(defined) as T;
}

/**
 * A frozen deep copy of an event that was not validated (see PublishValidation), shaped like
 * its JSON as freezeEvent shapes zod's output: undefined properties left out, undefined array
 * elements null. Copied, not frozen in place: the producer's objects stay its own to change.
 * Events are JSON data (plain objects, arrays, primitives); a value with toJSON (a Date) is
 * copied as what toJSON gives, as JSON would write it.
 */
export function copyFrozen<T>(value: T): T {
  // Frozen: a part of an event this module froze, deeply (nothing else in the gateway freezes
  // objects), e.g. the message of a consumed event passed on in the next: taken as it is.
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      items[index] = item === undefined ? null : copyFrozen(item);
    }
    return Object.freeze(items) as T;
  }
  const source = value as Record<string, unknown>;
  // A Date (or anything with toJSON) as JSON writes it.
  if (typeof source.toJSON === 'function') return (source.toJSON as () => T)();
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const field = source[key];
    if (field !== undefined) copy[key] = copyFrozen(field);
  }
  return Object.freeze(copy) as T;
}
