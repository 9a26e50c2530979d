/**
 * What a batch handler returns when some of its events could not be handled yet: those go
 * through the retry schedule one by one, the rest of the batch counts as done. (Throwing
 * instead would make the dispatcher re-run every event of the batch on its own.)
 */
export class BatchOutcome {
  private constructor(readonly failures: ReadonlyMap<number, unknown>) {}

  static allHandled(): BatchOutcome {
    return new BatchOutcome(new Map());
  }

  /** `failures` maps the index of an event in the batch to why it failed. */
  static withFailures(failures: ReadonlyMap<number, unknown>): BatchOutcome {
    return new BatchOutcome(failures);
  }
}
