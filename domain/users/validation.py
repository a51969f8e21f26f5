"""Rules for usernames, emails and passwords, each reporting every problem at once."""

from __future__ import annotations

import re

from domain.errors import DomainError, ErrorCode

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$|^[^@\s]{1,64}@localhost$")
MIN_PASSWORD_LENGTH = 12
# Argon2 cost grows with input; a cap keeps a hash from becoming a denial of service.
MAX_PASSWORD_LENGTH = 256


def normalize_username(username: str) -> str:
    return username.strip().lower()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def username_problems(username: str) -> list[DomainError]:
    if USERNAME_PATTERN.fullmatch(username):
        return []
    return [
        DomainError(
            "Username must be 3-32 characters: lowercase letters, digits, '.', '_' or '-',"
            " starting with a letter or digit.",
            field=("username",),
        )
    ]


def email_problems(email: str) -> list[DomainError]:
    if len(email) <= 254 and EMAIL_PATTERN.fullmatch(email):
        return []
    return [DomainError("Email address is not valid.", field=("email",))]


def password_problems(password: str, *, username: str) -> list[DomainError]:
    def weak(message: str) -> DomainError:
        return DomainError(message, code=ErrorCode.WEAK_PASSWORD, field=("password",))

    if len(password) < MIN_PASSWORD_LENGTH:
        return [weak(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long.")]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [weak(f"Password must be at most {MAX_PASSWORD_LENGTH} characters long.")]
    if len(set(password)) < 5:
        return [weak("Password is too repetitive; use more different characters.")]
    if username and username.lower() in password.lower():
        return [weak("Password must not contain the username.")]
    return []
