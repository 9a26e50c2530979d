import { highestPerPartition } from './offset-commits';

describe(highestPerPartition.name, () => {
  it('keeps one commit per partition of each topic, the highest offset', () => {
    expect(
      highestPerPartition([
        { topic: 'a', partition: 0, offset: '5' },
        { topic: 'a', partition: 1, offset: '3' },
        { topic: 'a', partition: 0, offset: '9' },
        { topic: 'b', partition: 0, offset: '2' },
        { topic: 'a', partition: 0, offset: '7' },
      ]),
    ).toEqual([
      { topic: 'a', partition: 0, offset: '9' },
      { topic: 'a', partition: 1, offset: '3' },
      { topic: 'b', partition: 0, offset: '2' },
    ]);
  });

  it('compares offsets as numbers, not as text, beyond the safe integers', () => {
    expect(
      highestPerPartition([
        { topic: 'a', partition: 0, offset: '9007199254740993' },
        { topic: 'a', partition: 0, offset: '10' },
      ]),
    ).toEqual([{ topic: 'a', partition: 0, offset: '9007199254740993' }]);
  });
});
