/** A transport that can consume more topics once it is running. */
export interface TopicsAddable {
  /**
   * Consumes these physical topics too, each handled by the handler of its logical topic (the
   * pattern it belongs to, as the topics at start). Topics already consumed are left as they
   * are. Resolves once they are consumed; rejects when the transport is closed or not started.
   */
  addTopics(topics: readonly string[]): Promise<void>;
}

/**
 * A running service's way to consume topics that did not exist when it started (a connector's
 * carrier added while it runs). The module gets this object at construction; the transport,
 * made after the module, is attached to it by startConsumerService. Adding before the
 * transport is attached waits for it.
 */
export class LiveSubscriptions {
  private resolveTransport!: (transport: TopicsAddable) => void;
  private readonly transport = new Promise<TopicsAddable>((resolve) => {
    this.resolveTransport = resolve;
  });

  attach(transport: TopicsAddable): void {
    this.resolveTransport(transport);
  }

  async add(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await (await this.transport).addTopics(topics);
  }
}
