import {
  type MoPartIn,
  type RememberedMo,
  assemble,
  assembledMoId,
  linkLateParts,
} from './mo-assembly';

const key = { carrierId: 'telco-a', source: '+38267111222', destination: '1234', total: 3 };
const part = (seq: number, text: string, reference = 7, second = seq): MoPartIn => ({
  ...key,
  reference,
  seq,
  text,
  eventId: `event-${reference}-${seq}`,
  receivedAt: new Date(`2026-01-04T10:00:0${second}.000Z`),
});
const remembered = (parts: number[], reference = 7): RememberedMo => ({
  ...key,
  reference,
  moId: 'mo-earlier',
  keyword: 'BAL',
  parts,
});

describe(assemble.name, () => {
  it('puts each MO in order and says which parts it holds and lacks', () => {
    const [mo, other] = assemble([
      part(3, 'three.', 7, 1),
      part(1, 'one ', 7, 5),
      part(2, 'alone', 8),
    ]);
    expect(mo).toMatchObject({
      reference: 7,
      text: 'one three.',
      seqs: [1, 3],
      missing: [2],
      eventIds: ['event-7-1', 'event-7-3'],
      receivedAt: new Date('2026-01-04T10:00:01.000Z'),
    });
    expect(other).toMatchObject({ reference: 8, seqs: [2], missing: [1, 3] });
  });
});

describe(linkLateParts.name, () => {
  it('links parts the remembered MO was routed without to it', () => {
    const [late] = linkLateParts(assemble([part(2, 'two ')]), [remembered([1, 3])]);
    expect(late.lateOf).toEqual({ moId: 'mo-earlier', keyword: 'BAL' });
  });

  it('takes a part number already routed for a new message reusing the reference', () => {
    const [fresh] = linkLateParts(assemble([part(1, 'new ', 7), part(2, 'message', 7)]), [
      remembered([1, 3]),
    ]);
    expect(fresh.lateOf).toBeUndefined();
  });

  it('never links a whole MO, nor an MO under another key', () => {
    const mos = assemble([part(1, 'a'), part(2, 'b'), part(3, 'c'), part(2, 'x', 9)]);
    expect(linkLateParts(mos, [remembered([1, 3]), remembered([1], 10)])).toEqual(mos);
  });
});

describe(assembledMoId.name, () => {
  it('does not depend on the order the parts came in', () => {
    expect(assembledMoId(['b', 'a'])).toBe(assembledMoId(['a', 'b']));
    expect(assembledMoId(['a'])).not.toBe(assembledMoId(['a', 'b']));
  });
});
