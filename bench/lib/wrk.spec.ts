import type { HttpRequest } from './clients';
import { UsageError } from './cli';
import { WRK_DEFAULTS, luaString, parseWrkOutput, wrkArgs, wrkOptions, wrkScript } from './wrk';

/** Reads a Lua string literal as luaString writes it (plain bytes and \ddd escapes). */
function fromLua(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
  const bytes: number[] = [];
  const inner = literal.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '\\') {
      bytes.push(Number(inner.slice(i + 1, i + 4)));
      i += 3;
    } else {
      bytes.push(inner.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('luaString', () => {
  it.each(['plain', 'quote " and backslash \\', 'line\nbreak\ttab', 'héllo ✓', '\u0001' + '2'])(
    'writes %j as an ASCII literal that reads back the same',
    (value) => {
      const literal = luaString(value);
      expect(literal).toMatch(/^[\x20-\x7e]*$/);
      expect(fromLua(literal)).toBe(value);
    },
  );

  it('pads escapes to three digits, so a following digit cannot join them', () => {
    expect(luaString('\u00012')).toBe('"\\0012"');
  });
});

describe('wrkScript', () => {
  const post: HttpRequest = {
    method: 'POST',
    path: '/v1/messages',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: '{"to":"+38267100000"}',
  };
  const get: HttpRequest = { method: 'GET', path: '/cgi-bin/sendsms?to=1', headers: {} };

  it('embeds every request, with its headers and body (nil without one)', () => {
    const script = wrkScript([post, get]);
    expect(script).toContain(
      '{ "POST", "/v1/messages", { ["authorization"] = "Bearer k", ["content-type"] = "application/json" }, "{\\034to\\034:\\034+38267100000\\034}" },',
    );
    expect(script).toContain('{ "GET", "/cgi-bin/sendsms?to=1", {  }, nil },');
  });

  it('counts 2xx apart from other statuses, and reports both from done', () => {
    const script = wrkScript([get]);
    expect(script).toMatch(/function response\(status, headers, body\)/);
    expect(script).toContain('if status >= 200 and status < 300 then');
    expect(script).toContain('thread:get("ok_count")');
    expect(script).toContain('thread:get("other_count")');
    expect(script).toMatch(/function done\(summary, latency, requests\)[\s\S]*WRK_RESULT \{/);
  });

  it('refuses no requests', () => {
    expect(() => wrkScript([])).toThrow('at least one request');
  });
});

describe('parseWrkOutput', () => {
  // A shell's /proc/<pid>/stat whose waited-for children used 412 + 88 ticks.
  const stat = '4242 (sh) S 1 4242 4242 0 -1 4194304 100 0 0 0 1 2 412 88 20 0 1 0 1 1 1';
  const output = (result: string) =>
    `Running 5s test @ http://127.0.0.1:1\n  2 threads and 64 connections\n${result}\nWRK_CPU ${stat}\n`;

  it('reads the done line and the CPU of wrk from the wrapper', () => {
    const result = parseWrkOutput(
      output(
        'WRK_RESULT {"requests":10100,"ok":10000,"non2xx":100,"socketErrors":3,"durationUs":5000000,"p50Us":1500,"p99Us":12250}',
      ),
    );
    expect(result).toEqual({
      requests: 10_100,
      ok: 10_000,
      non2xx: 100,
      socketErrors: 3,
      failed: 103,
      durationMs: 5_000,
      perSecond: 2_000,
      p50Ms: 1.5,
      p99Ms: 12.25,
      cpuMs: 5_000,
    });
  });

  it('says which line is missing and quotes the output', () => {
    expect(() => parseWrkOutput(`unable to connect\nWRK_CPU ${stat}\n`)).toThrow(
      /no result line:\nunable to connect/,
    );
    expect(() =>
      parseWrkOutput(
        'WRK_RESULT {"requests":1,"ok":1,"non2xx":0,"socketErrors":0,"durationUs":1,"p50Us":1,"p99Us":1}',
      ),
    ).toThrow(/no CPU line/);
  });

  it('refuses a result without a field', () => {
    expect(() => parseWrkOutput(output('WRK_RESULT {"requests":1}'))).toThrow(
      /^wrk result without \w+: WRK_RESULT/,
    );
  });
});

describe('wrkOptions', () => {
  it('defaults to 2 threads and 64 connections', () => {
    expect(wrkOptions(['--seconds=5'])).toEqual(WRK_DEFAULTS);
    expect(WRK_DEFAULTS).toEqual({ threads: 2, connections: 64 });
  });

  it('reads --wrk-threads and --wrk-connections', () => {
    expect(wrkOptions(['--wrk-threads=4', '--wrk-connections=128'])).toEqual({
      threads: 4,
      connections: 128,
    });
  });

  it.each([
    ['--wrk-threads=0', '--wrk-threads must be a whole number from 1 to 256, got "0"'],
    ['--wrk-threads=two', '--wrk-threads must be a whole number from 1 to 256, got "two"'],
    [
      '--wrk-connections=1.5',
      '--wrk-connections must be a whole number from 1 to 10000, got "1.5"',
    ],
    ['--wrk-connections=', '--wrk-connections must be a whole number from 1 to 10000, got ""'],
  ])('refuses %s with a usage error', (flag, message) => {
    expect(() => wrkOptions([flag])).toThrow(new UsageError(message));
  });

  it('refuses fewer connections than threads', () => {
    expect(() => wrkOptions(['--wrk-threads=8', '--wrk-connections=4'])).toThrow(
      /--wrk-connections \(4\) must be at least --wrk-threads \(8\)/,
    );
  });
});

describe('wrkArgs', () => {
  it('passes threads, connections, duration, a long timeout, the script and the URL', () => {
    expect(wrkArgs('http://127.0.0.1:8080', '/tmp/s.lua', 5, WRK_DEFAULTS)).toEqual([
      '--threads=2',
      '--connections=64',
      '--duration=5s',
      '--timeout=30s',
      '--script=/tmp/s.lua',
      'http://127.0.0.1:8080',
    ]);
  });
});
