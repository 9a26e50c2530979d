/**
 * The only module that loads node-smpp (npm `smpp` 0.5.1). Everything else in the project
 * uses SmppSession / SmppListener and the typed PDUs of smpp-pdu.ts. The session frames and
 * codes the PDUs of smpp-pdu.ts itself (wire-codec.ts); node-smpp parses whatever else arrives
 * (other commands, other TLVs, bodies that do not parse cleanly) and is the reference the
 * codec's octets are tested against.
 *
 * On load it redefines submit_sm, deliver_sm and the message_payload TLV without node-smpp's
 * "message" and "time" filters, through its public addCommand/addTLV. Those filters decode
 * short_message into a string (lossy: unknown GSM septets become spaces, UDH is re-parsed)
 * and, on encode, pick data_coding 0x01 for GSM text. The gateway encodes and decodes itself
 * (libs/smpp/src/encoding), so the wire must carry raw octets both ways. The change is
 * process-wide: nothing else in the project may use `smpp` directly.
 */
import * as smpp from 'smpp';

export type WirePdu = smpp.PDU;
export type WireParams = smpp.PduParams;

const RAW_COMMANDS = ['submit_sm', 'deliver_sm'] as const;

function installRawMessageCodec(): void {
  for (const name of RAW_COMMANDS) {
    const definition = smpp.commands[name];
    if (!definition) throw new Error(`node-smpp has no ${name} definition`);
    const params: Record<string, smpp.ParamDefinition> = {};
    for (const [key, param] of Object.entries(definition.params ?? {})) {
      params[key] =
        'default' in param ? { type: param.type, default: param.default } : { type: param.type };
    }
    smpp.addCommand(name, { id: definition.id, params });
  }
  const payload = smpp.tlvs['message_payload'];
  if (!payload) throw new Error('node-smpp has no message_payload TLV');
  smpp.addTLV('message_payload', { id: payload.id, type: smpp.types.tlv.buffer });
}

installRawMessageCodec();

/** SMPP 3.4 leaves the maximum PDU size to the implementation; node-smpp refuses larger ones. */
export const MAX_PDU_LENGTH: number = smpp.PDU.maxLength;

export function createWirePdu(command: string, params: WireParams): WirePdu {
  return new smpp.PDU(command, params);
}

/** Parses one complete PDU (header included); throws on malformed input. */
export function parseWirePdu(buffer: Buffer): WirePdu {
  return new smpp.PDU(buffer);
}
