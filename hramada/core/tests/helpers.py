from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def enrol_totp(user) -> str:
    """Give a user a TOTP authenticator, as the enrolment page would; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def login_staff(client, user):
    """Log ``user`` in with a TOTP authenticator enrolled, as organiser pages (``/manage/``) require."""
    enrol_totp(user)
    client.force_login(user)
    return user
