"""`maskscreen users …` and `maskscreen tokens …`: the accounts of `maskscreen serve`."""

from __future__ import annotations

import sys

import click

from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, output_options
from maskscreen.cli.output import render, safe

ROLE_CHOICE = click.Choice(["reviewer", "analyst", "admin"])


@click.group("users")
def users_group() -> None:
    """Accounts of the web app and API: add, list, disable.

    Roles: analysts read, reviewers also decide cases, admins also manage users.

    \b
    Example:
      maskscreen users add ana --role reviewer
    """


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the user may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")
@database_option
def add(name, role, password_stdin, database_url) -> None:
    """Add a user with a role and a password (asked for, or one line on stdin).

    The password is kept as an Argon2id hash.

    \b
    Examples:
      maskscreen users add ana --role reviewer
      printf '%s\\n' "$PASSWORD" | maskscreen users add ci --role analyst --password-stdin
    """
    from maskscreen.db import accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True, err=True)
    with resources().session() as session:
        accounts.add_user(session, name, role, password)
    click.echo(f"user {safe(name)} added ({role})", err=True)


@users_group.command("list")
@output_options
@database_option
def list_users(as_json, as_csv, database_url) -> None:
    """List users with their role and whether they are disabled.

    \b
    Example:
      maskscreen users list
    """
    from dataclasses import asdict

    from maskscreen.db import accounts

    with resources().session(write=False) as session:
        rows = [asdict(user) for user in accounts.list_users(session)]
    render(rows, ["name", "role", "created_at", "disabled_at"], as_json=as_json, as_csv=as_csv)


@users_group.command("disable")
@click.argument("name")
@database_option
def disable(name, database_url) -> None:
    """Disable a user: no more sign-ins; their sessions end and their tokens are revoked.

    \b
    Example:
      maskscreen users disable ana
    """
    from maskscreen.db import accounts

    with resources().session() as session:
        accounts.disable_user(session, name)
    click.echo(f"user {safe(name)} disabled", err=True)


@click.group("tokens")
def tokens_group() -> None:
    """Bearer tokens for the HTTP API: create, list, revoke.

    \b
    Example:
      maskscreen tokens create ana
    """


@tokens_group.command("create")
@click.argument("name")
@database_option
def create(name, database_url) -> None:
    """Create an API token for user NAME and print it (shown once; kept as a hash).

    \b
    Example:
      TOKEN=$(maskscreen tokens create ana)
      curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/v1/cases
    """
    from maskscreen.db import accounts

    with resources().session() as session:
        token_id, token = accounts.create_token(session, name)
    click.echo(token)
    click.echo(
        f"token {token_id} for {safe(name)}: keep it secret, it is not shown again", err=True
    )


@tokens_group.command("list")
@output_options
@database_option
def list_tokens(as_json, as_csv, database_url) -> None:
    """List tokens (never the token itself): id, user, created, revoked.

    \b
    Example:
      maskscreen tokens list
    """
    from maskscreen.db import accounts

    with resources().session(write=False) as session:
        rows = accounts.list_tokens(session)
    render(rows, ["id", "user", "created_at", "revoked_at"], as_json=as_json, as_csv=as_csv)


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@database_option
def revoke(token_id, database_url) -> None:
    """Revoke the API token with this id (from `maskscreen tokens list`).

    \b
    Example:
      maskscreen tokens revoke 3
    """
    from maskscreen.db import accounts

    with resources().session() as session:
        accounts.revoke_token(session, token_id)
    click.echo(f"token {token_id} revoked", err=True)


def register(group: click.Group) -> None:
    group.add_command(users_group)
    group.add_command(tokens_group)
