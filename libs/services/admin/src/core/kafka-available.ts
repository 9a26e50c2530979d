/**
 * Injection token: whether the gateway runs on Kafka (true: cluster mode) or on the
 * in-process bus (false: all-in-one mode), where nothing reads a tenant's own Kafka topic.
 */
export const KAFKA_AVAILABLE = Symbol('tuxhat:admin:kafka-available');

/** Injection token: the gateway's Kafka (topic administration), or null on the in-process bus. */
export const KAFKA_PORT = Symbol('tuxhat:admin:kafka-port');
