import { stageDurations, timesOf } from './stages';

describe('stages of request → submit_sm', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 10, 27, 12, 0, 0, ms)).toISOString();
  const t0 = Date.parse(at(0));

  it("reads ingress's acceptance, the policy's decision and the routing from a message's history", () => {
    const history = [
      { status: 'accepted', source: 'ingress', at: at(2) },
      { status: 'accepted', source: 'policy', at: at(10) },
      { status: 'routed', source: 'routing', at: at(11) },
      { status: 'sent', source: 'dlr', at: at(30) },
    ];

    expect(timesOf(t0, history, t0 + 18)).toEqual({
      requested: t0,
      accepted: t0 + 2,
      decided: t0 + 10,
      routed: t0 + 11,
      atCarrier: t0 + 18,
    });
  });

  it('leaves out of a stage the messages that did not pass both of its points', () => {
    const held = timesOf(t0, [{ status: 'accepted', source: 'ingress', at: at(1) }], undefined);
    const through = timesOf(
      t0,
      [
        { status: 'accepted', source: 'ingress', at: at(1) },
        { status: 'accepted', source: 'policy', at: at(5) },
        { status: 'routed', source: 'routing', at: at(7) },
      ],
      t0 + 12,
    );

    const stages = stageDurations([held, through]);
    expect(stages.map(({ name, durations }) => [name, [...durations]])).toEqual([
      ['request → accepted by ingress', [1, 1]],
      ['accepted by ingress → policy decision', [4]],
      ['policy decision → routed', [2]],
      ['routed → submit_sm at the carrier', [5]],
    ]);
  });
});
