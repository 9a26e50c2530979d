import { CARRIER_HAS_IT_ERROR } from '@tuxhat/contracts';

/**
 * Thrown when the carrier has the message, or some parts of it, but the connector could not
 * finish: sms.sent (or the `unknown` status) was not published, or the rest of the parts are
 * still refused. A plain failure to the transport (retried like any other); should the event be
 * dead-lettered all the same, the dlr's settler reads the name at the head of the reason and
 * does not fail a message the carrier may deliver.
 */
export class CarrierHasItError extends Error {
  override readonly name = CARRIER_HAS_IT_ERROR;
}
