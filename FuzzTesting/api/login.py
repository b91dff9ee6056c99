"""Logs in to a running Shebao server the way a client would, and prints the session token.

    login.py operator USERNAME PASSWORD [COUNT]  an operator; COUNT sessions, one token a line
    login.py person CITIZEN_ID                   an insured person, with an SMS code

The base URL is in FUZZ_API_BASE. What only the user's phone would show is read from the
database as the superuser (FUZZ_API_DB_URL, with the psql of FUZZ_API_PSQL): an operator's TOTP
secret, when one is enrolled, to compute the current code (RFC 6238: HMAC-SHA-1, 6 digits,
30-second steps); and the log-in code the server queued in the notification outbox for the
person's SMS. The server accepts a TOTP code once per operator, so an operator with a second
factor can log in only once per 30-second step.
"""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request


def query(sql: str, **variables: str) -> str:
    """The single value `sql` selects, empty for NULL or no row; values bound as psql variables."""
    command = [os.environ["FUZZ_API_PSQL"], os.environ["FUZZ_API_DB_URL"], "-X", "-q", "-A", "-t"]
    command += ["-v", "ON_ERROR_STOP=1"]
    for name, value in variables.items():
        command += ["-v", f"{name}={value}"]
    # psql replaces :'name' in what it reads, not in -c: the statement goes in on standard input.
    result = subprocess.run(command, input=sql, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"login: psql failed: {result.stderr.strip()}")
    return result.stdout.strip()


def post(path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        os.environ["FUZZ_API_BASE"] + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        return status, {"body": raw.decode(errors="replace")}


def totp(secret: bytes, unix_seconds: float) -> str:
    counter = int(unix_seconds // 30).to_bytes(8, "big")
    digest = hmac.new(secret, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def token(status: int, answer: dict, who: str) -> str:
    if status != 200 or "token" not in answer:
        sys.exit(f"login: {who} could not log in: {status} {json.dumps(answer, ensure_ascii=False)}")
    return answer["token"]


def operator(username: str, password: str, count: int) -> None:
    secret = query("SELECT encode(totp_secret, 'hex') FROM shebao.operator WHERE username = :'name'", name=username)
    for _ in range(count):
        body = {"username": username, "password": password}
        if secret:
            if count > 1:
                sys.exit(f"login: {username} has a second factor: one session per run")
            body["code"] = totp(bytes.fromhex(secret), time.time())
        print(token(*post("/api/v1/auth/login", body), username), flush=True)


def person(citizen_id: str) -> None:
    status, answer = post("/api/v1/auth/person/code", {"citizenId": citizen_id})
    if status != 202:
        sys.exit(f"login: no code sent to person {citizen_id}: {status} {answer}")
    code = query(
        """
        SELECT o.payload->>'code' FROM shebao.notification_outbox o JOIN shebao.person p ON p.id = o.person_id
        WHERE o.template = 'login_code' AND p.citizen_id = :'citizen' ORDER BY o.id DESC LIMIT 1
        """,
        citizen=citizen_id,
    )
    if not code:
        sys.exit(f"login: no SMS code queued for person {citizen_id}")
    print(token(*post("/api/v1/auth/person/login", {"citizenId": citizen_id, "code": code}), citizen_id))


if __name__ == "__main__":
    # The RFC 6238 test vector (SHA-1 secret, T = 59 s), so that a wrong code is never sent as a right one.
    assert totp(b"12345678901234567890", 59) == "287082"
    if len(sys.argv) in (4, 5) and sys.argv[1] == "operator":
        operator(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else 1)
    elif len(sys.argv) == 3 and sys.argv[1] == "person":
        person(sys.argv[2])
    else:
        sys.exit(__doc__)
