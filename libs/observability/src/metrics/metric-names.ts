/**
 * Every Prometheus metric the gateway exposes, defined once: name, help, labels (and buckets).
 * Code records them through `Metrics` by these definitions, so a wrong label does not compile;
 * dashboards (deploy/grafana) may only name metrics defined here (a test checks it).
 *
 * Names are contracts with dashboards and alerts: rename only by adding a new metric.
 * Label values are bounded sets (services, topics, carriers, statuses, classes, tenants);
 * never a message id.
 */

export interface MetricDefinition<Kind extends MetricKind, Label extends string> {
  readonly kind: Kind;
  readonly name: string;
  readonly help: string;
  readonly labels: readonly Label[];
  /** Histograms only: upper bounds in seconds. */
  readonly buckets?: readonly number[];
}
export type MetricKind = 'counter' | 'gauge' | 'histogram';
export type CounterDefinition<Label extends string> = MetricDefinition<'counter', Label>;
export type GaugeDefinition<Label extends string> = MetricDefinition<'gauge', Label>;
export type HistogramDefinition<Label extends string> = MetricDefinition<'histogram', Label>;

export type LabelsOf<D> = D extends MetricDefinition<MetricKind, infer Label> ? Label : never;
export type LabelValues<Label extends string> = Readonly<Record<Label, string>>;

function counter<const Label extends string>(
  name: string,
  help: string,
  labels: readonly Label[],
): CounterDefinition<Label> {
  return { kind: 'counter', name, help, labels };
}

function gauge<const Label extends string>(
  name: string,
  help: string,
  labels: readonly Label[],
): GaugeDefinition<Label> {
  return { kind: 'gauge', name, help, labels };
}

function histogram<const Label extends string>(
  name: string,
  help: string,
  labels: readonly Label[],
  buckets: readonly number[],
): HistogramDefinition<Label> {
  return { kind: 'histogram', name, help, labels, buckets };
}

/** Latency buckets from 5 ms (an OTP hop) to 5 min (a carrier that is away). */
const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
] as const;

export const METRICS = {
  // --- the bus (libs/messaging): every service, every hop -------------------------------------
  busEvents: counter(
    'tuxhat_bus_events_total',
    'Events a consumer group finished with, by outcome: handled, retried (sent to the retry topic), waiting (delivered again later, not a failure) or dead_lettered.',
    ['group', 'topic', 'outcome'],
  ),
  busEventLatency: histogram(
    'tuxhat_bus_event_latency_seconds',
    "Per hop: from the event's occurredAt (when the previous hop created it) to the moment this group finished handling it.",
    ['group', 'topic'],
    LATENCY_BUCKETS,
  ),
  busHandlerDuration: histogram(
    'tuxhat_bus_handler_duration_seconds',
    'Time one handler invocation took (one event, or one batch for batch handlers).',
    ['group', 'topic'],
    LATENCY_BUCKETS,
  ),
  busPublished: counter(
    'tuxhat_bus_published_total',
    'Events published by services, by logical topic and result (ok or error).',
    ['topic', 'result'],
  ),
  busConsumerUp: gauge(
    'tuxhat_bus_consumer_up',
    '1 while the consumer group of this process is consuming, 0 when it stopped or crashed.',
    ['group'],
  ),
  busQueued: gauge(
    'tuxhat_bus_queued',
    "Records waiting in an in-process consumer group's queue (all-in-one mode), by group and lane: the backlog it holds in memory (about 3 KB of heap per queued message), retries waiting for their time not included.",
    ['group', 'lane'],
  ),
  kafkaConsumerLag: gauge(
    'tuxhat_kafka_consumer_lag',
    "Records not yet committed by the consumer group, summed over the topic's partitions (read from the brokers periodically; every replica of a group reports the same value: aggregate with max).",
    ['group', 'topic'],
  ),

  // --- messages (domain) -----------------------------------------------------------------------
  messages: counter(
    'tuxhat_messages_total',
    'Messages by the stage that decided (ingress, policy, routing, smpp-connector, sns-connector; final: the outcome, once per message), the status it gave, the class of service and the tenant ("-" with METRICS_TENANT_LABEL=false).',
    ['stage', 'status', 'class', 'tenant'],
  ),
  messageCarrierLatency: histogram(
    'tuxhat_message_carrier_latency_seconds',
    'From acceptance by the API to acceptance by the carrier (submit_sm_resp, SNS Publish answer), by class and carrier.',
    ['class', 'carrier'],
    LATENCY_BUCKETS,
  ),

  // --- carriers (connectors) -------------------------------------------------------------------
  carrierSubmits: counter(
    'tuxhat_carrier_submits_total',
    'Submissions to a carrier by result: per message accepted, rejected, unidentified (accepted without an id) or transient (no bind, timeout: rerouted or retried); throttled per refusal (the carrier asked to slow down).',
    ['carrier', 'result'],
  ),
  carrierSubmitDuration: histogram(
    'tuxhat_carrier_submit_duration_seconds',
    'Round trip of one message to the carrier (all submit_sm of its parts, or one SNS Publish).',
    ['carrier'],
    LATENCY_BUCKETS,
  ),
  smppBindUp: gauge(
    'tuxhat_smpp_bind_up',
    '1 while the SMPP bind of this pod to the carrier is bound, else 0.',
    ['carrier'],
  ),
  smppBindEvents: counter(
    'tuxhat_smpp_bind_events_total',
    'SMPP bind changes: bound, lost (the bind dropped), reconnecting (an attempt scheduled).',
    ['carrier', 'event'],
  ),
  smppWindowOutstanding: gauge(
    'tuxhat_smpp_window_outstanding',
    'submit_sm sent to the carrier and not answered yet.',
    ['carrier'],
  ),
  smppWindowQueued: gauge(
    'tuxhat_smpp_window_queued',
    'submit_sm waiting for a free slot in the window.',
    ['carrier'],
  ),
  smppWindowSize: gauge(
    'tuxhat_smpp_window_size',
    'The window: the most submit_sm outstanding at once on the bind.',
    ['carrier'],
  ),

  // --- receipts, MO and callbacks (dlr) ---------------------------------------------------------
  receipts: counter(
    'tuxhat_receipts_total',
    'Delivery receipts by carrier and result: matched to a message, or unmatched on this attempt (retried; the ones that never match are dead-lettered).',
    ['carrier', 'result'],
  ),
  mo: counter(
    'tuxhat_mo_total',
    "Inbound SMS (MO) by carrier and what became of them: webhook or kafka (handed to the tenant's handler), auto_reply, auto_reply_skipped (a late fragment, or a sender that cannot be answered), opt_out (a STOP-like keyword: one per tenant on the number), unrouted (no handler for the number and keyword).",
    ['carrier', 'action'],
  ),
  webhookDeliveries: counter(
    'tuxhat_webhook_deliveries_total',
    'Status callback attempts to tenants (DLR paths, triggers), by outcome: delivered (a 2xx), retried (the attempt failed; retried with back-off until the delivery gives up).',
    ['tenant', 'outcome'],
  ),

  // --- TLS certificates (the tenant API's, libs/services/ingress; Kafka's, libs/runtime) ---------
  tlsCertificateExpiry: gauge(
    'tuxhat_tls_certificate_expiry_timestamp_seconds',
    "When a certificate the process presents stops being valid, as a Unix time: the tenant API's (certificate=server) and its client CAs (client_ca, the bundle's first), the Kafka client certificate (kafka_client). Alert well before it. Renewed files are taken up within INGRESS_TLS_RELOAD_SECONDS and KAFKA_CREDENTIALS_CHECK_MS.",
    ['certificate'],
  ),

  // --- the process -------------------------------------------------------------------------------
  buildInfo: gauge('tuxhat_build_info', 'Always 1; labels say which service and version runs.', [
    'service',
    'version',
  ]),
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS]['name'];

/** The tenant label's value when METRICS_TENANT_LABEL=false (bounded cardinality). */
export const TENANT_LABEL_HIDDEN = '-';
