#!/usr/bin/env python3
"""A test SMTP server on 127.0.0.1 (aiosmtpd) that keeps every delivered message.

usage: smtp-sink.py PORT DIR

Each message is written to DIR as NNNN.json (envelope: from, to) and NNNN.eml (the bytes
received, after SMTP dot-unstuffing), the .eml last and by rename, so a reader that sees
it sees all of it. A recipient whose address contains "reject" is refused with 550 (tests
of failures). Prints READY once listening; exits when standard input closes (the test
that started it ended), so no server outlives its test.
"""
import json
import os
import sys

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%04d" % self.count)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 kept"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Keep(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
