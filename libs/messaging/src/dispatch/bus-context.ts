import { BaseRpcContext } from '@nestjs/microservices';

import type { IncomingRecord } from '../bus-record';

/** What a handler can learn about the records it is handling (the `@Ctx()` argument). */
export class BusContext extends BaseRpcContext<[readonly IncomingRecord[], number]> {
  constructor(records: readonly IncomingRecord[], attempt: number) {
    super([records, attempt]);
  }

  getRecords(): readonly IncomingRecord[] {
    return this.args[0];
  }

  /** 1 on first delivery; higher when the event comes back through the retry topic. */
  getAttempt(): number {
    return this.args[1];
  }
}
