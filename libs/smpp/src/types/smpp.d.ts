/**
 * Typed declaration of the subset of node-smpp 0.5.1 (npm `smpp`) that libs/smpp uses.
 *
 * Only libs/smpp/src/transport/node-smpp.ts imports this module; everything else works with
 * the project's own typed PDUs (libs/smpp/src/transport/smpp-pdu.ts). Field names here are the
 * wire names of SMPP 3.4 §4 (snake_case) exactly as node-smpp exposes them.
 */
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import { Server as NetServer, Socket } from 'node:net';
  import { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

  /** Mandatory and optional (TLV) parameters node-smpp reads and writes by wire name. */
  export interface PduParams {
    command_status?: number;
    sequence_number?: number;
    // bind_* (SMPP 3.4 §4.1)
    system_id?: string;
    password?: string;
    system_type?: string;
    interface_version?: number;
    addr_ton?: number;
    addr_npi?: number;
    address_range?: string;
    // submit_sm / deliver_sm / data_sm (SMPP 3.4 §4.4, §4.6, §4.7)
    service_type?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    protocol_id?: number;
    priority_flag?: number;
    schedule_delivery_time?: string;
    validity_period?: string;
    registered_delivery?: number;
    replace_if_present_flag?: number;
    data_coding?: number;
    sm_default_msg_id?: number;
    short_message?: Buffer;
    // *_resp (SMPP 3.4 §4.4.2)
    message_id?: string;
    // TLVs (SMPP 3.4 §5.3.2)
    receipted_message_id?: string;
    message_state?: number;
    network_error_code?: Buffer;
    message_payload?: Buffer;
    sc_interface_version?: number;
    sar_msg_ref_num?: number;
    sar_total_segments?: number;
    sar_segment_seqnum?: number;
  }

  /** A PDU carries every parameter as a property under its wire name (PduParams). */
  export interface PDU extends Omit<PduParams, 'command_status' | 'sequence_number'> {
    /** node-smpp's command name, e.g. 'submit_sm'; 'unknown' for an unrecognised command_id. */
    command: string;
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: PduParams): PDU;
    toBuffer(): Buffer;
  }

  export const PDU: {
    /** A command name and params to build a PDU, or a complete PDU buffer to parse (throws on malformed input). */
    new (command: string | Buffer, options?: PduParams): PDU;
    maxLength: number;
  };

  export interface SessionEvents {
    connect: [];
    secureConnect: [];
    pdu: [PDU];
    send: [PDU];
    close: [];
    error: [Error];
  }

  export class Session extends EventEmitter<SessionEvents> {
    constructor(options: { socket: Socket });
    readonly socket: Socket;
    /** Writes the PDU; assigns the next sequence_number to a request that has none. */
    send(
      pdu: PDU,
      responseCallback?: (response: PDU) => void,
      sendCallback?: (sent: PDU) => void,
    ): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }

  export interface ConnectOptions extends Partial<TlsConnectionOptions> {
    host: string;
    port: number;
    /** true: connect with node:tls using the other options (SMPP over TLS, "ssmpp"). */
    tls?: boolean;
  }

  export interface ServerOptions {
    key?: string | Buffer;
    cert?: string | Buffer;
  }

  export class Server extends NetServer {
    readonly sessions: Session[];
  }

  export function createServer(
    options: ServerOptions,
    listener?: (session: Session) => void,
  ): Server;
  export function connect(options: ConnectOptions, listener?: () => void): Session;

  export interface FieldType {
    read(buffer: Buffer, offset: number, length?: number): unknown;
    write(value: unknown, buffer: Buffer, offset: number): void;
    size(value: unknown): number;
    default: unknown;
  }

  export interface ParamDefinition {
    type: FieldType;
    default?: unknown;
    filter?: { encode(value: unknown): unknown; decode(value: unknown): unknown };
  }

  export interface CommandDefinition {
    id: number;
    command?: string;
    params?: Record<string, ParamDefinition>;
    tlvMap?: Record<string, string>;
  }

  export interface TlvDefinition {
    id: number;
    tag?: string;
    type: FieldType;
    multiple?: boolean;
    filter?: { encode(value: unknown): unknown; decode(value: unknown): unknown };
  }

  export const commands: Record<string, CommandDefinition>;
  export const tlvs: Record<string, TlvDefinition>;
  export const types: {
    buffer: FieldType;
    cstring: FieldType;
    int8: FieldType;
    tlv: { buffer: FieldType; cstring: FieldType; int8: FieldType };
  };
  export const errors: Record<string, number>;

  /** Replaces (or adds) a command definition globally (node-smpp's documented extension point). */
  export function addCommand(command: string, definition: CommandDefinition): void;
  /** Replaces (or adds) a TLV definition globally. */
  export function addTLV(tag: string, definition: TlvDefinition): void;
}
