import {
  SMS_STATUS,
  SMS_SUBMITTED,
  outboundTopicFor,
  retryTopicFor,
  topicForPhysicalName,
} from '@tuxhat/contracts';

import { planTopics } from './topic-provisioning';

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
