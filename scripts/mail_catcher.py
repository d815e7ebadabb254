"""A local mail catcher for a fresh install (scripts/start): an SMTP server on loopback
that keeps every message Hearth sends as a file in a folder and prints a line for it,
so a newcomer can read the acknowledgement a demo enquiry gets (or a staff
notification) without a real mail server. Never for production: it accepts anything,
from anyone on this machine, and sends nothing on.

    python scripts/mail_catcher.py [--port 8025] [--folder instance/mail]
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class Catcher:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        to = ", ".join(envelope.rcpt_tos)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", to)[:80]
        path = self.folder / f"{stamp}-{safe}.eml"
        path.write_bytes(envelope.content)
        print(f"[mail] to {to}: {message['Subject']}  ->  {path}", flush=True)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--folder", type=Path, default=Path("instance/mail"))
    args = parser.parse_args()
    controller = Controller(Catcher(args.folder), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"[mail] catching mail on 127.0.0.1:{args.port}; each message is kept in {args.folder}/")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
