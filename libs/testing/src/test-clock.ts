/**
 * A clock a test moves forward (expiry, back-off), on top of real time: hand it to a service's
 * runtime (it fits @tuxhat/runtime's Clock) and advance it instead of waiting.
 */
export class TestClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
