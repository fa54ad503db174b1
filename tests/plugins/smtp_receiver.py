#!/usr/bin/python3
"""A real SMTP server (Debian's python3-aiosmtpd) for tests/plugins/smtp_test.c.

Usage: smtp_receiver.py OUTDIR [USER:PASSWORD]

Listens on 127.0.0.1 on a port the kernel picks and prints "PORT n" on
stdout once it accepts connections. Each accepted message N (from 1) is
written to OUTDIR/N.env (envelope sender, recipients joined by ",", the
authenticated login or "-", one per line) and then OUTDIR/N.eml (the DATA
bytes as received, dot-stuffing undone); both appear by rename, so a reader
never sees half a file.

With USER:PASSWORD the server offers AUTH PLAIN and LOGIN without TLS and
requires authentication before MAIL. It always offers AUTH OAUTHBEARER
and EXTERNAL, which accept any initial response and record it (decoded) as
the login.

Recipients steer the replies: "later..." gets 451 (transient), "reject..."
gets 550 (permanent). Runs until killed."""
import asyncio
import base64
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("later"):
            return "451 4.3.0 mailbox busy, try again later"
        if local.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        login = session.auth_data
        if isinstance(login, LoginPassword):
            login = login.login.decode("utf-8", "replace")
        elif isinstance(login, bytes):
            login = login.decode("utf-8", "replace").replace("\x01", "^A")
        elif login is None:
            login = "-"
        env = "%s\n%s\n%s\n" % (envelope.mail_from, ",".join(envelope.rcpt_tos), login)
        self.publish("%d.env" % self.count, env.encode("utf-8"))
        self.publish("%d.eml" % self.count, envelope.original_content)
        return "250 2.0.0 queued as %d" % self.count

    async def auth_OAUTHBEARER(self, server, args):
        # The client sends its response with the AUTH command (SASL-IR).
        if len(args) != 2:
            return AuthResult(success=False)
        return AuthResult(success=True, auth_data=base64.b64decode(args[1]))

    async def auth_EXTERNAL(self, server, args):
        # "=" is an empty authorization identity
        if len(args) != 2:
            return AuthResult(success=False)
        return AuthResult(success=True, auth_data=b"" if args[1] == "=" else base64.b64decode(args[1]))

    def publish(self, name, data):
        tmp = os.path.join(self.outdir, "." + name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.outdir, name))


def main():
    outdir = sys.argv[1]
    user, password = (sys.argv[2].split(":", 1) + [""])[:2] if len(sys.argv) > 2 else (None, None)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: the server answers 535 itself
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    handler = Recorder(outdir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        if user is None:
            # only the handler's OAUTHBEARER: PLAIN/LOGIN would fail every login
            return SMTP(handler, auth_require_tls=False, auth_exclude_mechanism=["PLAIN", "LOGIN"],
                        hostname="receiver.test")
        return SMTP(handler, authenticator=authenticator, auth_require_tls=False, auth_required=True,
                    hostname="receiver.test")

    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
