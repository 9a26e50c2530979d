/**
 * Reading a dead letter's payload, which may be anything (it did not match its schema, or was
 * not even JSON): each field is taken only when it is there.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `value[name]` when value is a plain object, else undefined. */
export function fieldOf(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** `value[name]` when it is a non-empty string. */
export function textFieldOf(value: unknown, name: string): string | undefined {
  const field = fieldOf(value, name);
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}
