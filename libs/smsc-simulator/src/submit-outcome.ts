import { CommandStatus } from '@tuxhat/smpp';

export interface SubmitOutcomeRates {
  /** Fraction of submits answered ESME_RTHROTTLED (0x58). */
  throttleRate: number;
  /** Fraction of submits answered errorStatus. */
  errorRate: number;
  errorStatus: number;
}

/**
 * The command_status a submit_sm gets: throttled with probability throttleRate, else the
 * configured error with probability errorRate, else ESME_ROK. One random draw per submit.
 */
export function decideSubmitStatus(rates: SubmitOutcomeRates, random: () => number): number {
  const draw = random();
  if (draw < rates.throttleRate) return CommandStatus.ESME_RTHROTTLED;
  if (draw < rates.throttleRate + rates.errorRate) return rates.errorStatus;
  return CommandStatus.ESME_ROK;
}
