/**
 * sequence_number allocation (SMPP 3.4 §5.1.4): 0x00000001..0x7FFFFFFF, wrapping back to 1.
 */
export class SequenceGenerator {
  private last = 0;

  next(): number {
    this.last = this.last >= 0x7fffffff ? 1 : this.last + 1;
    return this.last;
  }
}
