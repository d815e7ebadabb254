"""Sending the sign-in link. One function, so the outbox of messages to people outside
the service (issue 35, item 5) can take over sending without the door changing."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from crm.timeutil import utcnow

log = logging.getLogger("crm.door")

#: Where a development install without MAIL_SERVER keeps the links it could not send,
#: inside the instance folder (instance/door-sign-in-links.txt), newest last.
UNSENT_FILE = "door-sign-in-links.txt"


def sign_in_message(email: str, link: str, code: str) -> EmailMessage:
    config = current_app.config
    council = config.get("COUNCIL_NAME")
    team = f"the {council} fostering team" if council else "the fostering team"
    minutes = config["DOOR_LINK_MINUTES"]
    message = EmailMessage()
    message["Subject"] = "Sign in to your fostering application"
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = email
    message.set_content(
        f"Use this link to see your fostering application:\n\n{link}\n\n"
        f"Or type this code on the sign-in page: {code}\n\n"
        f"The link and the code work once, for {minutes} minutes.\n\n"
        f"If you did not ask to sign in, you can ignore this email: nobody can sign in "
        f"without it.\n\nFrom {team}\n"
    )
    return message


def deliver_sign_in_link(email: str, link: str, code: str) -> None:
    """Send the sign-in link now through the app's MAIL_* settings. Without MAIL_SERVER
    (a developer's machine) it is logged at WARNING on the "crm.door" logger and kept in
    instance/door-sign-in-links.txt for the developer to open."""
    config = current_app.config
    message = sign_in_message(email, link, code)
    if not config.get("MAIL_SERVER"):
        log.warning("MAIL_SERVER is unset: sign-in link for %s not sent: %s (code %s)",
                    email, link, code)  # fmt: skip
        if not current_app.testing:
            folder = Path(current_app.instance_path)
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / UNSENT_FILE, "a", encoding="utf-8") as unsent:
                unsent.write(f"{utcnow():%Y-%m-%d %H:%M} UTC  {email}  {link}  code {code}\n")
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
