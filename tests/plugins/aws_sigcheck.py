#!/usr/bin/python3
"""Checks an AWS Signature Version 4 with botocore (Debian's python3-botocore),
the AWS SDK for Python's own signer, independent of the libcurl code that
signed the request.

Usage: aws_sigcheck.py REQUEST_FILE ACCESS_KEY SECRET REGION SERVICE [TOKEN]

REQUEST_FILE: the method on line 1, the path (with query) on line 2, then
"Name: value" header lines, an empty line and the body. Prints "ok" and
exits 0 when the Authorization header is the one botocore computes for the
headers it names, the credential scope is KEY/date/REGION/SERVICE, the
x-amz-date is within 15 minutes of now, a signed x-amz-content-sha256 is the
body's hash and (with TOKEN) x-amz-security-token is TOKEN and signed;
else prints why and exits 1.
"""
import datetime
import hashlib
import sys

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def fail(why):
    print(why)
    sys.exit(1)


def main():
    path, key, secret, region, service = sys.argv[1:6]
    token = sys.argv[6] if len(sys.argv) > 6 else None
    raw = open(path, "rb").read()
    head, _, body = raw.partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    method, target = lines[0], lines[1]
    headers = {}
    for line in lines[2:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()

    auth = headers.get("authorization", "")
    prefix = "AWS4-HMAC-SHA256 "
    if not auth.startswith(prefix):
        fail("no SigV4 Authorization header: %r" % auth)
    parts = dict(p.strip().split("=", 1) for p in auth[len(prefix):].split(","))
    amz_date = headers.get("x-amz-date", "")
    scope = "%s/%s/%s/%s/aws4_request" % (key, amz_date[:8], region, service)
    if parts.get("Credential") != scope:
        fail("credential %r, want %r" % (parts.get("Credential"), scope))
    when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    if abs((datetime.datetime.utcnow() - when).total_seconds()) > 900:
        fail("x-amz-date %s is not now" % amz_date)
    signed = parts["SignedHeaders"].split(";")
    for must in ("host", "x-amz-date"):
        if must not in signed:
            fail("%s is not signed (%s)" % (must, parts["SignedHeaders"]))
    if token is not None:
        if headers.get("x-amz-security-token") != token or "x-amz-security-token" not in signed:
            fail("x-amz-security-token missing, wrong or unsigned")
    elif "x-amz-security-token" in headers:
        fail("an x-amz-security-token without a session token")
    sha = headers.get("x-amz-content-sha256")
    if sha is not None and sha != "UNSIGNED-PAYLOAD" and sha != hashlib.sha256(body).hexdigest():
        fail("x-amz-content-sha256 is not the body's hash")

    request = AWSRequest(method=method, url="http://" + headers["host"] + target, data=body,
                         headers={h: headers[h] for h in signed})
    request.context["timestamp"] = amz_date
    signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(Credentials(key, secret, token), service, region)
    canonical = signer.canonical_request(request)
    want = signer.signature(signer.string_to_sign(request, canonical), request)
    if parts.get("Signature") != want:
        fail("signature %s, botocore computes %s for:\n%s" % (parts.get("Signature"), want, canonical))
    print("ok")


if __name__ == "__main__":
    main()
