import { SharedBusBacklog } from './bus-backlog';

describe('SharedBusBacklog', () => {
  it('shows the recorded backlog and the parkings to every view of its buffer', () => {
    const broker = SharedBusBacklog.create(100);
    // What the ingress worker makes of the buffer it is handed.
    const ingress = new SharedBusBacklog(broker.buffer, broker.limit);

    broker.record(99);
    expect([ingress.queued, ingress.isFull()]).toEqual([99, false]);
    broker.record(100);
    expect(ingress.isFull()).toBe(true);

    expect(broker.parkings).toBe(0);
    ingress.parked();
    ingress.parked();
    expect(broker.parkings).toBe(2);
    // The two counts are separate cells.
    expect(broker.queued).toBe(100);
  });

  it('records a backlog beyond 32 bits as full, not as a negative number', () => {
    const backlog = SharedBusBacklog.create(10);
    backlog.record(2 ** 33);
    expect(backlog.isFull()).toBe(true);
  });
});
