from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def enrol_totp(user) -> str:
    """Give a user a TOTP authenticator, as the enrolment page would; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret
