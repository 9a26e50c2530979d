/**
 * Injection token: whether the gateway runs on Kafka (true: cluster mode) or on the
 * in-process bus (false: all-in-one mode), where nothing reads a tenant's own Kafka topic.
 */
export const KAFKA_AVAILABLE = Symbol('tuxhat:admin:kafka-available');

/**
 * Injection token: creates a carrier's missing outbound topics on the gateway's Kafka, with the
 * process's topic settings, and returns those created (Bus.createOutboundTopics); null on the
 * in-process bus, which has no topics to create.
 */
export const CARRIER_TOPICS = Symbol('tuxhat:admin:carrier-topics');

export type CreateCarrierTopics = (carrierId: string) => Promise<string[]>;
