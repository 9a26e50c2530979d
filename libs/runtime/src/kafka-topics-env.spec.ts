import { ConfigError, parseEnv } from '@tuxhat/config';

import { kafkaTopicsEnvSchema, topicSettingsOf } from './kafka-topics-env';

describe(topicSettingsOf.name, () => {
  it('leaves every setting to the defaults when nothing is set', () => {
    expect(topicSettingsOf(parseEnv(kafkaTopicsEnvSchema, {}))).toEqual({});
  });

  it('reads the provisioning settings the Job and the services share', () => {
    const env = parseEnv(kafkaTopicsEnvSchema, {
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_TOPIC_PARTITIONS: '{"sms.outbound.v1.telco-a": 12}',
      KAFKA_TOPIC_CONFIG: '{"retention.ms": "604800000"}',
      KAFKA_TOPIC_OVERRIDES: '{"accounting.records.v2": {"retention.ms": "2592000000"}}',
    });
    expect(topicSettingsOf(env)).toEqual({
      replicationFactor: 3,
      partitions: { 'sms.outbound.v1.telco-a': 12 },
      config: { 'retention.ms': '604800000' },
      topicConfig: { 'accounting.records.v2': { 'retention.ms': '2592000000' } },
    });
  });

  it('stops at boot naming each variable that is wrong', () => {
    let problems = '';
    try {
      parseEnv(kafkaTopicsEnvSchema, {
        KAFKA_REPLICATION_FACTOR: '0',
        KAFKA_TOPIC_PARTITIONS: '{"sms.submitted.v1": "six"}',
        KAFKA_TOPIC_CONFIG: 'retention.ms=1',
        KAFKA_TOPIC_OVERRIDES: '{"accounting.records.v2": {"retention.ms": 1}}',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems.join('\n');
    }
    expect(problems).toMatch(/^KAFKA_REPLICATION_FACTOR: /m);
    expect(problems).toMatch(/^KAFKA_TOPIC_PARTITIONS\.sms\.submitted\.v1: /m);
    expect(problems).toMatch(/^KAFKA_TOPIC_CONFIG: not valid JSON/m);
    expect(problems).toMatch(/^KAFKA_TOPIC_OVERRIDES\.accounting\.records\.v2\.retention\.ms: /m);
  });
});
