import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

import { settleAfterLoad } from './drain';

/** A real process that spins (a whole core) or sleeps until killed. */
async function child(spin: boolean): Promise<ChildProcess> {
  const code = spin ? 'for (;;) {}' : 'setInterval(() => {}, 60_000)';
  const started = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  await once(started, 'spawn');
  return started;
}

describe(settleAfterLoad.name, () => {
  const children: ChildProcess[] = [];
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);

  afterAll(() => {
    for (const started of children) started.kill('SIGKILL');
    consoleError.mockRestore();
  });

  it('notes a system that stays busy after the load, and not one that went quiet', async () => {
    const spinning = await child(true);
    const sleeping = await child(false);
    children.push(spinning, sleeping);

    const busy = await settleAfterLoad('spinner', () => [spinning.pid!, sleeping.pid!], 1_500);
    expect(busy).toContain('still busy 1.5 s after the load');
    expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('spinner: still busy'));

    expect(await settleAfterLoad('sleeper', () => [sleeping.pid!], 5_000)).toBe('');
  }, 20_000);
});
