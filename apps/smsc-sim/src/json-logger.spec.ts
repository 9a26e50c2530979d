import { BatchedLines, JsonLogger } from './json-logger';

describe(JsonLogger.name, () => {
  it('writes one JSON object per event with buffers as hex and errors as their message', () => {
    const lines: string[] = [];
    const sut = new JsonLogger(
      (line) => lines.push(line),
      () => new Date('2026-11-25T12:00:00Z'),
    );
    sut.log('submit_sm', { udh: Buffer.from([5, 0, 3]), error: new RangeError('boom') });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      ts: '2026-11-25T12:00:00.000Z',
      event: 'submit_sm',
      udh: '050003',
      error: { name: 'RangeError', message: 'boom' },
    });
  });

  it('batches lines into one write per event-loop turn, in order, and flushes on demand', async () => {
    const writes: string[] = [];
    const lines = new BatchedLines((chunk) => writes.push(chunk));
    lines.sink('a');
    lines.sink('b');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['a\nb\n']);
    lines.sink('c');
    lines.flush();
    expect(writes).toEqual(['a\nb\n', 'c\n']);
    lines.flush();
    expect(writes).toHaveLength(2);
  });
});
