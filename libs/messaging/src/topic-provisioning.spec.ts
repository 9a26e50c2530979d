import {
  SMS_STATUS,
  SMS_SUBMITTED,
  outboundTopicFor,
  retryTopicFor,
  topicForPhysicalName,
} from '@tuxhat/contracts';

import { planTopics, topicSpecWith } from './topic-provisioning';

describe(planTopics.name, () => {
  it('gives every topic the configured settings, and a topic (all its lanes) its own', () => {
    const specs = planTopics({
      carriers: ['telco-a'],
      config: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
      partitions: { [SMS_SUBMITTED.name]: 12 },
      topicConfig: {
        [SMS_STATUS.name]: { 'retention.ms': '2592000000' },
        [outboundTopicFor('telco-a')]: { 'retention.ms': '86400000' },
      },
    });
    const byName = new Map(specs.map((spec) => [spec.name, spec]));

    const submitted = specs.filter((spec) => spec.name.startsWith(SMS_SUBMITTED.name));
    expect(submitted.length).toBeGreaterThan(0);
    for (const spec of submitted) {
      expect(spec).toMatchObject({
        partitions: 12,
        config: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
      });
    }
    expect(byName.get(SMS_STATUS.name)?.config).toEqual({
      'retention.ms': '2592000000',
      'min.insync.replicas': '2',
    });
    const outbound = specs.filter((spec) => spec.name.startsWith(outboundTopicFor('telco-a')));
    expect(outbound.length).toBeGreaterThan(0);
    for (const spec of outbound) expect(spec.config?.['retention.ms']).toBe('86400000');
    expect(byName.get(retryTopicFor('dlr'))?.config).toEqual({
      'retention.ms': '604800000',
      'min.insync.replicas': '2',
    });
  });

  it('sets only the contracts’ own configuration unless asked (else the brokers’ defaults apply)', () => {
    for (const spec of planTopics({ carriers: ['telco-a'] })) {
      const topic = topicForPhysicalName(spec.name);
      expect([spec.name, spec.config]).toEqual([spec.name, { ...topic?.config }]);
    }
  });
});

describe(topicSpecWith.name, () => {
  const settings = {
    replicationFactor: 3,
    partitions: { 'tenant.acme.status.v1': 12 },
    config: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
    topicConfig: { 'tenant.acme.status.v1': { 'retention.ms': '86400000' } },
  };

  it('makes a topic outside the plan with the settings, its own over everyone’s', () => {
    expect(topicSpecWith(settings, 'tenant.acme.status.v1', 3)).toEqual({
      name: 'tenant.acme.status.v1',
      partitions: 12,
      replicationFactor: 3,
      config: { 'retention.ms': '86400000', 'min.insync.replicas': '2' },
    });
    expect(topicSpecWith(settings, 'tenant.other.status.v1', 3)).toEqual({
      name: 'tenant.other.status.v1',
      partitions: 3,
      replicationFactor: 3,
      config: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
    });
  });

  it('leaves everything to the defaults without settings', () => {
    expect(topicSpecWith({}, 'tenant.acme.mo.v1', 3)).toEqual({
      name: 'tenant.acme.mo.v1',
      partitions: 3,
      replicationFactor: undefined,
      config: {},
    });
  });
});
