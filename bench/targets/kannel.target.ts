import type { SimulatorProcess } from '@tuxhat/system-harness';
import { freePort } from '@tuxhat/system-harness';

import { KannelBaseline } from '../kannel/kannel';
import { HttpClient, type HttpRequest, expectStatus } from '../lib/clients';
import type { BenchTarget, SubmitOptions } from './target';

/** Kannel's smsbox sendsms HTTP interface in front of bearerbox bound to the simulator. */
export async function startKannel(
  simulator: SimulatorProcess,
  options: { window: number; sockets: number },
): Promise<BenchTarget> {
  if (!KannelBaseline.installed()) {
    throw new Error(
      'Kannel is not installed: run bench/kannel/install.sh (apt-get install kannel)',
    );
  }
  const kannel = new KannelBaseline({
    smscPort: simulator.port,
    smscSystemId: 'tuxhat',
    smscPassword: simulator.password,
    window: options.window,
    adminPort: await freePort(),
    smsboxPort: await freePort(),
    sendsmsPort: await freePort(),
  });
  await kannel.start();
  const http = new HttpClient(kannel.sendsmsUrl, options.sockets);
  // Kannel's priority: 0 (lowest) to 3; OTP highest, bulk lowest.
  const priorityOf = { otp: '3', bulk: '0' } as const;
  const submitRequest = (to: string, text: string, options: SubmitOptions = {}): HttpRequest => {
    let path = kannel.sendsmsPath(to.replace(/^\+/, ''), 'TuxHat', text, options.reportUrl);
    if (options.priority) path += `&priority=${priorityOf[options.priority]}`;
    return { method: 'GET', path, headers: {} };
  };
  return {
    name: 'Kannel 1.4.5 (smsbox sendsms)',
    pids: () => kannel.pids(),
    httpUrl: kannel.sendsmsUrl,
    submitRequest,
    async submit(to, text, options) {
      expectStatus(await http.send(submitRequest(to, text, options)), 202);
      // sendsms answers "0: Accepted for delivery", without an id.
      return undefined;
    },
    async stop() {
      http.close();
      await kannel.stop();
    },
  };
}
