#!/usr/bin/python3
"""Checks a service account JWT with PyJWT (Debian's python3-jwt), an
implementation independent of the OpenSSL code that signed it.

Usage: jwt_check.py JWT PUBLIC_KEY_PEM_FILE ISSUER AUDIENCE SCOPE

Prints "ok" and exits 0 when the JWT is RS256, its signature verifies with
the public key, iss and aud are ISSUER and AUDIENCE, scope is SCOPE, and it
was issued now for one hour; else prints why and exits 1.
"""
import sys
import time

import jwt


def main():
    token, key_file, issuer, audience, scope = sys.argv[1:6]
    key = open(key_file, "rb").read()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=issuer,
                            options={"require": ["exp", "iat", "iss", "aud"]})
    except jwt.PyJWTError as e:
        print("invalid: %s" % e)
        sys.exit(1)
    if header.get("alg") != "RS256" or header.get("typ") != "JWT":
        print("header %r" % header)
        sys.exit(1)
    if claims.get("scope") != scope:
        print("scope %r, want %r" % (claims.get("scope"), scope))
        sys.exit(1)
    if claims["exp"] - claims["iat"] != 3600 or abs(claims["iat"] - time.time()) > 300:
        print("iat %d exp %d: not issued now for an hour" % (claims["iat"], claims["exp"]))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
