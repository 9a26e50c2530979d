"""A small SMSC built on python smpplib's PDU classes: an SMPP implementation not written
here, for the connector's interoperability test (smpplib-interop.int-spec.ts).

It listens on 127.0.0.1 (an ephemeral port), accepts binds for one account, answers
submit_sm, puts concatenated parts back together (8/16-bit UDH or SAR TLVs), sends a
delivery receipt for every accepted part that asks for one, and sends MO messages on
request. Every PDU it parses and builds goes through smpplib.

Protocol with the test: one JSON object per line.
  stdout: {"event": "listening", "port": N}, then "bind", "submit", "message" (a whole
          message reassembled), "deliver_resp", "mo_sent", "unbind" events.
  stdin:  {"cmd": "mo", "from": ..., "to": ..., "text": ...} sends an MO (long ones split
          by smpplib.gsm.make_parts, i.e. smpplib's own concatenation).
"""

import json
import os
import socket
import struct
import sys
import threading
import time

from smpplib import consts, gsm, smpp

ACCOUNT = {"system_id": sys.argv[1], "password": sys.argv[2]}
lock = threading.Lock()


def emit(event, **fields):
    with lock:
        sys.stdout.write(json.dumps({"event": event, "at": time.time(), **fields}) + "\n")
        sys.stdout.flush()


class Sequence:
    """What smpplib's PDU classes ask of a client: the next sequence number."""

    def __init__(self):
        self.sequence = 0

    def next_sequence(self):
        self.sequence += 1
        return self.sequence


def text_of(data, data_coding):
    if data_coding == consts.SMPP_ENCODING_ISO10646:
        return data.decode("utf-16-be")
    if data_coding == consts.SMPP_ENCODING_ISO88591:
        return data.decode("latin-1")
    # GSM 03.38, unpacked: smpplib's own table (escape + row 2..3 for the extension table).
    table = gsm.GSM_CHARACTER_TABLE
    out, escape = [], False
    for octet in data:
        if escape:
            out.append(table[0x80 + octet])
            escape = False
        elif octet == 0x1B:
            escape = True
        else:
            out.append(table[octet])
    return "".join(out)


def split_udh(short_message):
    """(reference, total, seq, payload) from a concatenation UDH, or None."""
    udhl = short_message[0]
    udh, payload = short_message[1 : 1 + udhl], short_message[1 + udhl :]
    pos = 0
    while pos + 2 <= len(udh):
        iei, length = udh[pos], udh[pos + 1]
        data = udh[pos + 2 : pos + 2 + length]
        if iei == 0x00 and length == 3:
            return data[0], data[1], data[2], payload
        if iei == 0x08 and length == 4:
            return struct.unpack(">H", data[0:2])[0], data[2], data[3], payload
        pos += 2 + length
    return None


class Connection(threading.Thread):
    def __init__(self, sock, smsc):
        super().__init__(daemon=True)
        self.sock = sock
        self.smsc = smsc
        self.seq = Sequence()
        self.bound = None
        self.write_lock = threading.Lock()

    def send(self, pdu):
        with self.write_lock:
            self.sock.sendall(pdu.generate())

    def respond(self, request, command, **fields):
        # smpplib's own client sets the sequence after building a response (client.py): the
        # constructor keeps the generator's current number instead of the one passed in.
        response = smpp.make_pdu(command, client=self.seq, **fields)
        response.sequence = request.sequence
        self.send(response)

    def read_pdu(self):
        header = self.recv_exact(4)
        if header is None:
            return None
        (length,) = struct.unpack(">L", header)
        body = self.recv_exact(length - 4)
        if body is None:
            return None
        return smpp.parse_pdu(header + body, client=self.seq)

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def run(self):
        try:
            while True:
                pdu = self.read_pdu()
                if pdu is None:
                    break
                self.handle(pdu)
        except (OSError, ValueError) as error:
            emit("connection_error", error=str(error))
        finally:
            self.smsc.forget(self)
            self.sock.close()

    def handle(self, pdu):
        command = pdu.command
        if command in ("bind_transceiver", "bind_transmitter", "bind_receiver"):
            ok = pdu.system_id.decode() == ACCOUNT["system_id"] and pdu.password.decode() == ACCOUNT["password"]
            status = consts.SMPP_ESME_ROK if ok else consts.SMPP_ESME_RBINDFAIL
            self.respond(pdu, command + "_resp", status=status, system_id="PYSMSC")
            if ok:
                self.bound = command[len("bind_") :]
            emit("bind", command=command, system_id=pdu.system_id.decode(), status=status)
        elif command == "enquire_link":
            self.respond(pdu, "enquire_link_resp")
        elif command == "unbind":
            self.respond(pdu, "unbind_resp")
            emit("unbind")
        elif command == "submit_sm":
            self.on_submit(pdu)
        elif command == "deliver_sm_resp":
            emit("deliver_resp", sequence=pdu.sequence, status=pdu.status)
        elif not pdu.is_response():
            self.respond(pdu, "generic_nack", status=consts.SMPP_ESME_RINVCMDID)

    def on_submit(self, pdu):
        message_id = self.smsc.next_message_id()
        self.respond(pdu, "submit_sm_resp", message_id=message_id)
        short_message = pdu.short_message or b""
        if not short_message and pdu.message_payload:
            short_message = pdu.message_payload
        concat, payload = None, short_message
        if pdu.esm_class & consts.SMPP_GSMFEAT_UDHI:
            parsed = split_udh(short_message)
            if parsed:
                concat, payload = parsed[:3], parsed[3]
        elif pdu.sar_msg_ref_num is not None:
            concat = (pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum)
        destination = pdu.destination_addr.decode()
        emit(
            "submit",
            message_id=message_id,
            source=pdu.source_addr.decode(),
            destination=destination,
            data_coding=pdu.data_coding,
            esm_class=pdu.esm_class,
            registered_delivery=pdu.registered_delivery,
            concat=list(concat) if concat else None,
            octets=len(short_message),
        )
        self.smsc.reassemble(destination, pdu.data_coding, concat, payload)
        if pdu.registered_delivery & 0x01:
            threading.Timer(0.02, self.send_receipt, args=(message_id, pdu)).start()

    def send_receipt(self, message_id, submit):
        now = time.strftime("%y%m%d%H%M", time.gmtime())
        text = f"id:{message_id} sub:001 dlvrd:001 submit date:{now} done date:{now} stat:DELIVRD err:000 text:"
        receipt = smpp.make_pdu(
            "deliver_sm",
            client=self.seq,
            source_addr_ton=submit.dest_addr_ton,
            source_addr_npi=submit.dest_addr_npi,
            source_addr=submit.destination_addr.decode(),
            dest_addr_ton=submit.source_addr_ton,
            dest_addr_npi=submit.source_addr_npi,
            destination_addr=submit.source_addr.decode(),
            esm_class=0x04,  # SMPP 3.4 §5.2.12: SMSC delivery receipt (smpplib names no constant)
            data_coding=consts.SMPP_ENCODING_DEFAULT,
            short_message=text.encode("ascii"),
            receipted_message_id=message_id,
            message_state=consts.SMPP_MESSAGE_STATE_DELIVERED,
        )
        try:
            self.send(receipt)
        except OSError:
            pass

    def send_mo(self, source, destination, text):
        parts, encoding, esm_class = gsm.make_parts(text)
        for part in parts:
            self.send(
                smpp.make_pdu(
                    "deliver_sm",
                    client=self.seq,
                    source_addr_ton=1,
                    source_addr_npi=1,
                    source_addr=source.lstrip("+"),
                    dest_addr_ton=3,
                    dest_addr_npi=1,
                    destination_addr=destination,
                    esm_class=esm_class,
                    data_coding=encoding,
                    short_message=part,
                )
            )
        emit("mo_sent", parts=len(parts), data_coding=encoding)


class Smsc:
    def __init__(self):
        self.connections = []
        self.next_id = 0x5A000
        self.assemblies = {}
        self.lock = threading.Lock()

    def next_message_id(self):
        with self.lock:
            self.next_id += 1
            return format(self.next_id, "x")

    def forget(self, connection):
        with self.lock:
            if connection in self.connections:
                self.connections.remove(connection)

    def reassemble(self, destination, data_coding, concat, payload):
        if concat is None:
            emit("message", destination=destination, text=text_of(payload, data_coding), parts=1)
            return
        reference, total, seq = concat
        key = (destination, reference, total)
        with self.lock:
            parts = self.assemblies.setdefault(key, {})
            parts[seq] = payload
            if len(parts) < total:
                return
            del self.assemblies[key]
        data = b"".join(parts[i] for i in range(1, total + 1))
        emit("message", destination=destination, text=text_of(data, data_coding), parts=total)

    def receivers(self):
        with self.lock:
            return [c for c in self.connections if c.bound in ("transceiver", "receiver")]

    def serve(self):
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        emit("listening", port=server.getsockname()[1])
        threading.Thread(target=self.commands, daemon=True).start()
        while True:
            sock, _ = server.accept()
            connection = Connection(sock, self)
            with self.lock:
                self.connections.append(connection)
            connection.start()

    def commands(self):
        for line in sys.stdin:
            command = json.loads(line)
            if command["cmd"] == "mo":
                receivers = self.receivers()
                if not receivers:
                    emit("mo_failed", reason="no receiver bound")
                    continue
                receivers[0].send_mo(command["from"], command["to"], command["text"])
        # stdin closed: the test is done with us.
        os._exit(0)


if __name__ == "__main__":
    Smsc().serve()
