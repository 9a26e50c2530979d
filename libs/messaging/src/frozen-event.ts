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
