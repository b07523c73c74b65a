"""The ``cklauto`` command line: thin commands over the library.

Each command parses its options, calls one library function and renders what it returns.
Heavy modules (pypsrp, cryptography, the emulator) are imported inside the commands that need
them, so ``cklauto --help`` and ``cklauto show`` start fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from cklauto import __version__
from cklauto.display import json_text, visible
from cklauto.errors import CklautoError
from cklauto.redact import SecretFilter, scrub

if TYPE_CHECKING:  # the runner imports the remoting layer; --help must not
    from cklauto.remoting import ConnectionSettings
    from cklauto.runner import RunOptions, RunResult

F = TypeVar("F", bound=Callable[..., Any])

#: Ctrl-C or SIGTERM (also cklauto.runner.EXIT_INTERRUPTED).
EXIT_INTERRUPTED = 130
#: Exit code of a run in which no checklist held the Exchange STIG (or a selected rule): a CI job pointed at the
#: wrong folder must not pass.
EXIT_NOTHING_CHECKED = 4
EXCHANGE_STIG_NAME = "Exchange 2013 Mailbox STIG"

EXIT_CODES_HELP = """\b
Exit codes:
  0    every checklist holding the rule was evaluated and written
  1    at least one checklist could not be read, evaluated or written
  2    bad usage (unknown option, missing --domain, ...)
  3    --fail-on-open was given and at least one result is Open
  4    nothing was checked: no checklist holds the Exchange STIG (or a selected rule)
  130  interrupted (Ctrl-C / SIGTERM); finished writes stand"""


def _expected_errors(func: F) -> F:
    """Turn expected failures into one ``Error:`` line and exit code 1; bugs keep their traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CklautoError as exc:
            click.echo(f"Error: {visible(scrub(exc.one_line()))}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


# ------------------------------------------------------------------------------ output level
@dataclasses.dataclass
class _Output:
    """How much this invocation prints: ``-v`` and ``-q`` count wherever they are given."""

    verbose: int = 0
    quiet: bool = False


def _output(ctx: click.Context | None = None) -> _Output:
    root = (ctx or click.get_current_context()).find_root()
    state = root.meta.get("cklauto.output")
    if state is None:
        state = root.meta["cklauto.output"] = _Output()
    return state


def _count_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    state = _output(ctx)
    state.verbose += value or 0
    _configure_logging(state.verbose)


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        _output(ctx).quiet = True


_VERBOSE_HELP = "Per-host steps on stderr (-vv for debug). Before or after the command name."


def _verbose_option(func: F) -> F:
    return click.option("-v", "--verbose", count=True, expose_value=False, callback=_count_verbose, help=_VERBOSE_HELP)(
        func
    )


def _quiet_option(func: F) -> F:
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_quiet,
        help="No progress bar and no table; errors (naming checklist and host) and the exit code only.",
    )(func)


def _configure_logging(verbose: int) -> None:
    # Never at any verbosity: these libraries log authentication tokens in their debug output, and a
    # Kerberos AP-REQ is a credential for as long as it is valid.
    for secretive in ("spnego", "requests_credssp", "pypsrp.negotiate"):
        logging.getLogger(secretive).setLevel(logging.WARNING)
    if verbose == 0:
        _guard_log_output()
        return
    # force: each invocation logs to the stderr of that invocation (tests run many in one process).
    # -v is one line per host and step; -vv adds the module that logged and the libraries' own debug output.
    level, fmt = (logging.INFO, "cklauto: %(message)s") if verbose == 1 else (logging.DEBUG, _DEBUG_FORMAT)
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr, force=True)
    _guard_log_output()
    for noisy in ("urllib3", "pypsrp", "psrpcore"):
        # Library chatter (urllib3 connection pools) is noise below -vv.
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose < 2 else logging.NOTSET)


_DEBUG_FORMAT = "cklauto: %(name)s: %(message)s"


# ------------------------------------------------------------------- environment variable errors
class _Group(click.Group):
    """The command group; a bad value from an environment variable is reported under that variable's name."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with _name_the_variable():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _name_the_variable():
            return super().invoke(ctx)


@contextlib.contextmanager
def _name_the_variable() -> Iterator[None]:
    try:
        yield
    except click.BadParameter as exc:
        ctx, param = exc.ctx, exc.param
        if ctx is None or param is None or param.name is None:
            raise
        if ctx.get_parameter_source(param.name) is not ParameterSource.ENVIRONMENT:
            raise
        name = _variable_of(param, ctx)
        if name is None:
            raise
        raw = os.environ.get(name, "")
        option = max(getattr(param, "opts", []) or [param.name], key=len)
        raise click.UsageError(
            f"{name}={visible(raw)}: {_why_not(param, raw, exc)} (the environment variable for {option})", ctx
        ) from None


def _variable_of(param: click.Parameter, ctx: click.Context) -> str | None:
    """The environment variable that gave ``param`` its value."""
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
    if isinstance(param, click.Option) and param.allow_from_autoenv and ctx.auto_envvar_prefix and param.name:
        names.append(f"{ctx.auto_envvar_prefix}_{param.name.upper()}")
    return next((name for name in names if os.environ.get(name)), None)


def _why_not(param: click.Parameter, raw: str, exc: click.BadParameter) -> str:
    kind = param.type
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        try:
            float(raw.strip())
        except ValueError:
            return "not a number"
        if isinstance(kind, click.types.IntParamType) and not raw.strip().lstrip("+-").isdigit():
            return "not a whole number"
    if isinstance(kind, click.types.BoolParamType):
        return "not yes or no (use 1 or 0, true or false)"
    return visible(exc.message.rstrip("."))


# -------------------------------------------------------------------------------- config file
def _load_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Read the config file and make its values the defaults of this command (and, for the group, of every
    command): click takes a default_map value only when neither the command line nor the environment gave one."""
    from cklauto.config import find_config, load_config

    source = ctx.get_parameter_source(param.name or "")
    if ctx.parent is not None and source is not ParameterSource.COMMANDLINE:
        return  # the group already chose the file (environment variable or the user's config folder)
    if isinstance(ctx.find_root().obj, dict) and ctx.find_root().obj.get("no_config"):
        return  # cklauto demo: its own run must not depend on the user's file
    path, origin = find_config(value, from_environment=source is ParameterSource.ENVIRONMENT)
    try:
        config = load_config(path, origin, _checked_config_value)
    except CklautoError as exc:
        raise click.ClickException(visible(scrub(exc.one_line()))) from None
    ctx.meta["cklauto.config"] = config
    defaults = config.default_map()
    ctx.default_map = defaults if ctx.parent is None else defaults.get(ctx.info_name or "", {})


def _checked_config_value(key: Any, value: Any) -> Any:
    """``value`` checked as the option ``key`` sets would check it; ValueError with the reason."""
    command = main.commands[key.targets[0][0]]
    param = next(p for p in command.params if p.name == key.targets[0][1])
    flag = isinstance(param, click.Option) and param.is_flag
    if flag or isinstance(value, bool):
        if not (flag and isinstance(value, bool)):
            raise ValueError("must be true or false" if flag else f"{value!r} is not a {param.type.name}")
        return value
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not param.multiple:
        raise ValueError("must be one value, not a list")
    ctx = click.Context(command, info_name=command.name)
    numeric = isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType))
    for item in items:
        if numeric and not isinstance(item, (int, float)):
            raise ValueError(f"must be a number, not {item!r}")
        if isinstance(param.type, click.types.IntParamType) and isinstance(item, float) and not item.is_integer():
            raise ValueError(f"must be a whole number, not {item!r}")
        if not numeric and not isinstance(item, str):
            raise ValueError(f"must be a string, not {item!r}")
        try:
            param.type.convert(item, param, ctx)
        except click.BadParameter as exc:
            raise ValueError(exc.message.rstrip(".")) from None
    return list(items) if param.multiple else value


def _config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="CKLAUTO_CONFIG",
        is_eager=True,
        expose_value=False,
        callback=_load_config,
        help="Config file of defaults (TOML; default: config.toml in the user's config folder). See cklauto config "
        "show.",
    )(func)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "CKLAUTO"})
@click.version_option(__version__, "--version", "-V", prog_name="cklauto")
@_verbose_option
@_quiet_option
@_config_option
def main() -> None:
    """Fill the automated rules of the Exchange 2013 Mailbox STIG in existing STIG Viewer
    checklists from live checks of the Exchange server, or from evidence saved on it.

    \b
    Examples:
      cklauto demo                                   # try it: sample checklists, emulated Exchange
      cklauto checks                                 # the automated rules and their site settings
      cklauto show checklists/                       # what the checklists say now
      cklauto doctor ex01.contoso.mil                # can ex01 be asked? name, port, Kerberos, rights
      cklauto run ex01.ckl --domain contoso.mil      # check ex01's server, write the results
      cklauto run checklists/ --domain contoso.mil --inventory hosts.csv --report before-review.csv
      cklauto new --xccdf U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml \\
                  --host EX01 --fqdn ex01.contoso.mil --format ckl -o ex01.ckl

    Options can also come from environment variables: CKLAUTO_DOMAIN, CKLAUTO_USERNAME,
    CKLAUTO_INVENTORY, CKLAUTO_CA_BUNDLE, CKLAUTO_SITE, CKLAUTO_ALLOW_SERVER, and CKLAUTO_<COMMAND>_<OPTION> for
    the rest (e.g. CKLAUTO_RUN_JOBS=16), and from a config file (cklauto config show). The command line wins over
    the environment, the environment over the config file. The password comes only from CKLAUTO_PASSWORD or a
    prompt.
    """


def _guard_log_output() -> None:
    """Last line of defence on every log line cklauto prints (including Python's fallback handler):
    pypsrp logs whole server answers at -vv, and a server may echo the password in them; host and
    file names in messages may hold escape sequences."""
    for handler in (*logging.getLogger().handlers, logging.lastResort):
        if handler is not None and not any(isinstance(f, SecretFilter) for f in handler.filters):
            handler.addFilter(SecretFilter(render=visible))


# --------------------------------------------------------------------------------------- show
@main.command()
@_verbose_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per checklist) instead of text.")
@click.option(
    "--details", "details_for", metavar="RULE", help="Also print this rule's full finding details and comments."
)
def show(paths: tuple[Path, ...], as_json: bool, details_for: str | None) -> None:
    """Show each checklist's format, host, STIGs and the review of every automated rule.

    PATHS are checklist files or folders (searched for .ckl and .cklb).

    \b
    Examples:
      cklauto show ex01.ckl
      cklauto show ex01.ckl --details EX13-MB-000120
      cklauto show checklists/ --json
    """
    from cklauto.show import describe_all, render_text

    entries = describe_all(paths, details_for=details_for)
    if as_json:
        click.echo(json_text(entries))
    else:
        click.echo(render_text(entries))
    if any(entry.get("error") for entry in entries):
        sys.exit(1)


# ------------------------------------------------------------------------------------- checks
@main.command()
@_verbose_option
@_config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--site",
    "site_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CKLAUTO_SITE",
    help="Site settings file, to show which settings are set.",
)
@click.option("--domain", "domains", multiple=True, envvar="CKLAUTO_DOMAIN", help="As for cklauto run.")
@_expected_errors
def checks(as_json: bool, site_file: Path | None, domains: tuple[str, ...]) -> None:
    """List every automated check: its rule, what it asks Exchange, and the site settings it needs.

    \b
    Examples:
      cklauto checks
      cklauto checks --site site.toml        # which settings are set
      cklauto checks --json
    """
    from cklauto.catalog import describe_checks, render_checks
    from cklauto.checks import all_checks

    registered = all_checks()
    site: dict[str, Any] = {}
    if site_file:
        from cklauto.site import load_site_file

        site = load_site_file(site_file, registered)
    if domains:
        site["internal_smtp_domain"] = domains
    entries = describe_checks(registered, set(site))
    if as_json:
        click.echo(json_text(entries))
    else:
        click.echo(render_checks(entries))


# ------------------------------------------------------------------------------ collect-script
@main.command("collect-script")
@_verbose_option
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Only the queries of these rules. Repeatable.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the script here.")
@click.option(
    "--host-checks",
    is_flag=True,
    help="Also export the Windows host's answers (registry values, services, partitions, ACLs) that cklauto run "
    "--host-checks reads.",
)
@_expected_errors
def collect_script_command(rules: tuple[str, ...], output: Path | None, host_checks: bool) -> None:
    """Print a PowerShell script that exports, in the Exchange Management Shell, every answer
    cklauto needs as one evidence bundle (for enclaves without remote PowerShell).

    \b
    Examples:
      cklauto collect-script -o cklauto-collect.ps1
      # on the Exchange server, in the Exchange Management Shell:
      #   .\\cklauto-collect.ps1 -OutFile ex01-evidence.json
      cklauto run ex01.ckl --site site.toml --evidence ex01-evidence.json
    """
    from cklauto.checks import select_checks
    from cklauto.collect import collect_script

    script = collect_script(select_checks(rules), host_checks=host_checks)
    if output is None:
        click.echo(script, nl=False)
        return
    from cklauto.formats.atomic import write_atomically

    try:
        write_atomically(output, script.encode("utf-8-sig"))
    except OSError as exc:
        raise CklautoError(f"{output}: could not be written: {exc.strerror or exc}") from None
    click.echo(f"Wrote {output}", err=True)


# ---------------------------------------------------------------------------------------- new
@main.command()
@_verbose_option
@click.option(
    "--xccdf",
    "xccdf_paths",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="DISA XCCDF benchmark (…-xccdf.xml). Repeat for a multi-STIG checklist.",
)
@click.option("--host", "host_name", required=True, help="Host name (CKL HOST_NAME).")
@click.option("--fqdn", default="", help="Fully qualified domain name; cklauto run connects to it.")
@click.option("--ip", default="", help="IP address(es); separate several with commas.")
@click.option("--mac", default="", help="MAC address(es); separate several with commas.")
@click.option(
    "--role",
    default="Member Server",
    show_default=True,
    type=click.Choice(["None", "Workstation", "Member Server", "Domain Controller"]),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ckl", "cklb"]),
    default=None,
    help="ckl (STIG Viewer 2.x) or cklb (STIG Viewer 3). Default: from -o's extension.",
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="Checklist file to create.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_expected_errors
def new(
    xccdf_paths: tuple[Path, ...],
    host_name: str,
    fqdn: str,
    ip: str,
    mac: str,
    role: str,
    fmt: str | None,
    output: Path,
    force: bool,
) -> None:
    """Create a new, unreviewed checklist for one host from DISA XCCDF.

    Written as STIG Viewer 2.17 (CKL) or STIG Viewer 3 (CKLB) would write it.

    \b
    Example:
      cklauto new --xccdf U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml \\
                  --host EX01 --fqdn ex01.contoso.mil --ip 10.0.0.5 --format ckl -o ex01.ckl
    """
    from cklauto.create import AssetSpec, load_benchmark, new_multi_ckl, new_multi_cklb
    from cklauto.formats.atomic import write_atomically

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix not in ("ckl", "cklb"):
            raise click.UsageError("give --format ckl|cklb (the output name does not end in .ckl or .cklb)")
        fmt = suffix
    if output.exists() and not force:
        raise CklautoError(f"{output}: already exists; not overwritten", "pass --force to replace it")
    benchmarks = [load_benchmark(p) for p in xccdf_paths]
    asset = AssetSpec(host_name=host_name, fqdn=fqdn, ip=_multi(ip), mac=_multi(mac), role=role)
    data = new_multi_ckl(benchmarks, asset) if fmt == "ckl" else new_multi_cklb(benchmarks, asset)
    try:
        write_atomically(output, data)
    except OSError as exc:
        raise CklautoError(f"{output}: could not be written: {exc.strerror or exc}") from None
    rules = sum(len(b.rules) for b in benchmarks)
    click.echo(f"Created {visible(output)} ({fmt}, {visible(host_name)}, {rules} rules, all Not_Reviewed)")


def _multi(value: str) -> str:
    # STIG Viewer keeps several addresses in one field, one per line.
    return "\n".join(part.strip() for part in value.replace(";", ",").split(",") if part.strip())


# ------------------------------------------------------------------------- connection options
AUTH_CHOICES = ["kerberos", "negotiate", "ntlm", "basic", "credssp", "certificate"]
_TLS_ONLY = ("basic", "certificate")  # as cklauto.remoting.session.TLS_ONLY_AUTHS (not imported: --help stays light)


def _connection_options(func: F) -> F:
    """The options that say how to reach an Exchange server (shared by run and doctor)."""
    options = [
        click.option(
            "--port",
            type=click.IntRange(1, 65535),
            help="TCP port (default 80, or 443 with --ssl; WinRM: 5985/5986).",
        ),
        click.option(
            "--ssl/--no-ssl",
            default=None,
            help="HTTPS (certificate verified), or HTTP with every message encrypted. Default: HTTP for "
            "kerberos/negotiate/ntlm/credssp, as Exchange documents; HTTPS for basic and certificate.",
        ),
        click.option(
            "--auth",
            type=click.Choice(AUTH_CHOICES),
            default="kerberos",
            show_default=True,
            help="Authentication; Exchange's /PowerShell expects Kerberos.",
        ),
        click.option(
            "--username",
            envvar="CKLAUTO_USERNAME",
            help="User (user@REALM for Kerberos; default: your Kerberos ticket). "
            "Password: CKLAUTO_PASSWORD or a prompt.",
        ),
        click.option(
            "--password",
            hidden=True,
            allow_from_autoenv=False,
            help="Discouraged: visible in process lists and history. Use CKLAUTO_PASSWORD.",
        ),
        click.option(
            "--spn-service",
            help="Service class of the server's Kerberos SPN (default host).",
        ),
        click.option(
            "--spn-host",
            help="Host name in the server's Kerberos SPN (default: the server name), e.g. for a load-balanced name.",
        ),
        click.option(
            "--endpoint",
            type=click.Choice(["exchange", "winrm"]),
            default="exchange",
            show_default=True,
            help="exchange: http(s)://SERVER/PowerShell, Microsoft.Exchange. winrm: WinRM listener + Exchange snap-in.",
        ),
        click.option(
            "--path", "url_path", help="URL path override (default PowerShell, or wsman for --endpoint winrm)."
        ),
        click.option(
            "--ca-bundle",
            type=click.Path(exists=True, dir_okay=False),
            envvar="CKLAUTO_CA_BUNDLE",
            help="PEM file of the CA(s) that signed the server certificate.",
        ),
        click.option("--insecure", is_flag=True, help="Do NOT verify the server certificate. Only for labs."),
        click.option(
            "--cert-pem",
            type=click.Path(exists=True, dir_okay=False),
            help="Client certificate (PEM) for --auth certificate.",
        ),
        click.option(
            "--cert-key-pem",
            type=click.Path(exists=True, dir_okay=False),
            help="Private key (PEM) of the client certificate for --auth certificate.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(1, 3600),
            default=60.0,
            show_default=True,
            help="Seconds one host may take, from connect to answer.",
        ),
        click.option(
            "--pipelines",
            type=click.IntRange(1, 64),
            default=24,
            show_default=True,
            help="Queries one server may run at once in cklauto's one session (lower it if the Exchange throttling "
            "policy allows fewer concurrent operations).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _connection_settings(server: str, options: dict[str, Any], *, needs_credentials: bool) -> ConnectionSettings:
    """A ConnectionSettings from the connection options; prompts for the password when one is needed."""
    from cklauto import redact
    from cklauto.remoting import ConnectionSettings, kerberos

    auth: str = options["auth"]
    username: str | None = options["username"]
    password: str | None = options["password"]
    if options["ssl"] is False and auth in _TLS_ONLY:
        raise click.UsageError(
            f"--auth {auth} cannot encrypt messages, so it needs HTTPS: drop --no-ssl "
            "(kerberos, negotiate and ntlm encrypt every message over plain HTTP)"
        )
    if auth == "certificate" and not (options["cert_pem"] and options["cert_key_pem"]):
        raise click.UsageError("--auth certificate needs --cert-pem and --cert-key-pem")
    if password is not None:
        click.echo(
            "Warning: --password is visible to other users (process list, shell history); "
            "use the CKLAUTO_PASSWORD environment variable or the prompt instead.",
            err=True,
        )
    password = password if password is not None else os.environ.get("CKLAUTO_PASSWORD")
    kerberos_ready = auth in ("kerberos", "negotiate") and needs_credentials and not kerberos.unavailable()
    if kerberos_ready and auth == "kerberos":
        try:
            kerberos.principal_for(username)
        except kerberos.NotAPrincipal as exc:
            raise click.BadParameter(f"{exc} ({exc.hint})", param_hint="--username") from None
    needs_password = (
        needs_credentials
        and username is not None
        and password is None
        and auth != "certificate"
        and not (auth == "kerberos" and not kerberos_ready)  # the per-host error says what to install
        and not (kerberos_ready and kerberos.has_credentials(username))
    )
    if needs_password:
        if not sys.stdin.isatty():
            raise click.UsageError("no password: set CKLAUTO_PASSWORD (stdin is not a terminal to prompt on)")
        try:
            password = click.prompt(f"Password for {username}", hide_input=True, err=True)
        except click.Abort:  # Ctrl-C (or end of input) at the prompt
            click.echo("Interrupted at the password prompt; nothing was checked.", err=True)
            sys.exit(EXIT_INTERRUPTED)
    redact.register(password, username)  # masked in every error, report and log line from here on
    key_pem = _read_pem(options["cert_key_pem"], "--cert-key-pem")
    redact.register(key_pem)
    if options["insecure"]:
        click.echo(
            "WARNING: --insecure: server certificates are NOT verified; anyone on the network path "
            "can impersonate the server and forge this evidence.",
            err=True,
        )
    return ConnectionSettings(
        server=server,
        port=options["port"],
        ssl=options["ssl"],
        auth=auth,
        username=username,
        password=password,
        endpoint=options["endpoint"],
        path=options["url_path"],
        ca_bundle=options["ca_bundle"],
        insecure=options["insecure"],
        certificate_pem=_read_pem(options["cert_pem"], "--cert-pem"),
        certificate_key_pem=key_pem,
        timeout=options["timeout"],
        spn_service=options["spn_service"],
        spn_host=options["spn_host"],
        max_pipelines=options.get("pipelines") or 24,
    )


def _host_and_evidence_options(func: F) -> F:
    """--host-checks, --host-port and --collect-evidence (issue 10): the Windows host, and rules for a person."""
    func = click.option(
        "--collect-evidence",
        is_flag=True,
        help="Also write, into the rules that need a person (and those cklauto cannot decide), the evidence a "
        'reviewer needs, headed "evidence only, not evaluated"; their status is left as it is.',
    )(func)
    func = click.option(
        "--host-port",
        type=click.IntRange(1, 65535),
        help="Port of the host's WinRM endpoint for --host-checks (default 5986/5985; the inventory's host_port "
        "column wins).",
    )(func)
    return click.option(
        "--host-checks",
        is_flag=True,
        help="Also check the Windows host (execution policy, IMAP4/POP3 services, partitions of audit logs and "
        "databases) over its own WinRM endpoint (/wsman), with the same credentials; cmdlets only, no script.",
    )(func)


# ---------------------------------------------------------------------------------------- run
@main.command(epilog=EXIT_CODES_HELP)
@_verbose_option
@_config_option
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--rerun-failed",
    "rerun_report",
    metavar="REPORT",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead of PATHS: the checklists that failed in an earlier --report FILE.json or FILE.csv, and only "
    "the rules that failed.",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="ID",
    help="Evaluate only this rule (STIG ID, Group ID, Rule ID or legacy ID). Repeatable. Default: every automated "
    "rule (see cklauto checks).",
)
@click.option(
    "--site",
    "site_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CKLAUTO_SITE",
    help="TOML file of site settings from the EDSP/SSP (see cklauto checks).",
)
@click.option(
    "--domain",
    "domains",
    multiple=True,
    envvar="CKLAUTO_DOMAIN",
    help="Internal SMTP domain from the site's Email Domain Security Plan (the internal_smtp_domain site "
    "setting). Repeatable.",
)
@click.option("--server", help="Server to ask, for every checklist (default: each checklist's FQDN, else host name).")
@click.option(
    "--allow-server",
    "allow_servers",
    multiple=True,
    envvar="CKLAUTO_ALLOW_SERVER",
    metavar="NAME",
    help="Also send a password (basic, ntlm, credssp, negotiate) to this server when a checklist names it; "
    "*.DOMAIN allows every server under DOMAIN. Repeatable. Without it, only servers named by --server or the "
    "inventory, or under a --domain, get one.",
)
@_connection_options
@click.option(
    "--evidence",
    type=click.Path(path_type=Path),
    help="Use an evidence bundle (cklauto collect-script) or a saved Get-SendConnector export instead of "
    "connecting; a bundle is used only for the checklist of the server it names.",
)
@click.option(
    "--inventory",
    type=click.Path(path_type=Path),
    envvar="CKLAUTO_INVENTORY",
    help="CSV: host,server,port,domain,evidence — per-host overrides.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 256), default=8, show_default=True, help="Hosts checked in parallel."
)
@click.option(
    "--per-org", is_flag=True, help="Send connectors are organisation-wide: ask one server per internal domain."
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write updated copies here; originals stay untouched.",
)
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Show, per rule, a unified diff of the finding details and comments written (with --dry-run: that would "
    "be written).",
)
@click.option(
    "--overwrite-reviewed",
    is_flag=True,
    help="Also evaluate rules whose status a person set (default: leave them alone).",
)
@click.option("--skip-reviewed", is_flag=True, hidden=True, help="The default now; kept for old scripts.")
@click.option(
    "--no-comments",
    is_flag=True,
    help="Do not write a comment on Open results (by default an empty COMMENTS field gets a short factual one).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the summary to FILE.json or FILE.csv, or a page for the ISSO to FILE.html.",
)
@_host_and_evidence_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout instead of a table.")
@click.option("--fail-on-open", is_flag=True, help="Exit 3 when any result is Open (for CI pipelines).")
@_quiet_option
@_expected_errors
def run(
    paths: tuple[Path, ...],
    rerun_report: Path | None,
    rules: tuple[str, ...],
    site_file: Path | None,
    domains: tuple[str, ...],
    server: str | None,
    allow_servers: tuple[str, ...],
    evidence: Path | None,
    inventory: Path | None,
    jobs: int,
    per_org: bool,
    output_dir: Path | None,
    dry_run: bool,
    show_diff: bool,
    overwrite_reviewed: bool,
    skip_reviewed: bool,
    no_comments: bool,
    report: Path | None,
    as_json: bool,
    fail_on_open: bool,
    host_checks: bool,
    collect_evidence: bool,
    host_port: int | None,
    **connection: Any,
) -> None:
    """Evaluate the automated rules on each checklist's Exchange server and write the results.

    PATHS are checklist files or folders (searched for .ckl and .cklb; checklists without the
    Exchange 2013 Mailbox STIG are reported as skipped). Each server is asked once, over one
    connection, however many checklists and rules need it. Writes are atomic; a failed host
    or query leaves the rules it was needed for untouched. Rules whose status a person set are
    left alone unless --overwrite-reviewed.

    \b
    Examples:
      export CKLAUTO_PASSWORD=...   # or be prompted; never on the command line
      cklauto run ex01.ckl --domain contoso.mil --username svc-stig@CONTOSO.MIL
      cklauto run checklists/ --site site.toml --inventory hosts.csv --report review.csv
      cklauto run ex01.cklb --rule EX13-MB-000120 --domain contoso.mil --evidence ex01-evidence.json
      cklauto run checklists/ --site site.toml --dry-run
      cklauto run --rerun-failed review.csv --site site.toml --inventory hosts.csv
      cklauto run ex01.ckl --site site.toml --dry-run --diff     # the texts that would be written
      cklauto run checklists/ --site site.toml --output-dir handover/ --report handover/report.html
    """
    from cklauto import runner
    from cklauto.checks import select_checks
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.report import (
        DEFAULT_WIDTH,
        failure_lines,
        nothing_checked,
        render_json,
        render_table,
        write_report,
    )
    from cklauto.site import load_site_file, validate_domain, validate_settings

    quiet = _output().quiet
    if bool(paths) == bool(rerun_report):
        raise click.UsageError("give checklist files or folders (PATHS), or --rerun-failed REPORT" + (
            ", not both" if paths else ""))  # fmt: skip
    rerun = None
    if rerun_report is not None:
        from cklauto.rerun import load_failures

        rerun = load_failures(rerun_report)
        if not rerun.checklists:
            click.echo(f"Nothing to rerun: {visible(str(rerun_report))} lists no failures.", err=True)
            sys.exit(runner.EXIT_OK)
        paths = rerun.checklists
    try:
        checks = select_checks(rules or (rerun.rules if rerun and rerun.rules else ()))
    except CklautoError as exc:
        raise click.BadParameter(
            exc.one_line(), param_hint="--rerun-failed" if rerun and not rules else "--rule"
        ) from None
    if not rules:
        checks = runner.runnable(checks, host_checks=host_checks, collect_evidence=collect_evidence)
    site = load_site_file(site_file, checks) if site_file else {}
    if domains:
        try:
            checked = tuple(dict.fromkeys(validate_domain(d) for d in domains))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--domain") from None
        site.update(
            validate_settings({runner.INTERNAL_DOMAIN_SETTING: list(checked)}, checks, origin="--domain")
            if any(s.name == runner.INTERNAL_DOMAIN_SETTING for c in checks for s in c.settings)
            else {}
        )
    inv = load_inventory(inventory) if inventory else None
    if inv is not None and inv.ignored_columns and not quiet:
        from cklauto.inventory import KNOWN_COLUMNS

        click.echo(
            f"Warning: {visible(str(inventory))}: column(s) {visible(', '.join(inv.ignored_columns))} ignored "
            f"(cklauto reads {', '.join(KNOWN_COLUMNS)})",
            err=True,
        )
    if rules:
        inventory_domains = inv is not None and all(e.domains for e in inv.entries)
        for check in checks:
            missing = [
                s.name
                for s in check.required_settings()
                if s.name not in site and not (s.name == runner.INTERNAL_DOMAIN_SETTING and inventory_domains)
            ]
            if missing:
                hint = " (or --domain)" if runner.INTERNAL_DOMAIN_SETTING in missing else ""
                raise click.UsageError(
                    f"{check.stig_id} needs the site setting {', '.join(missing)}: give it in --site FILE{hint}"
                )
    if report and report.suffix.lower() not in (".json", ".csv", ".html", ".htm"):
        raise click.BadParameter("the report file must end in .json, .csv or .html", param_hint="--report")
    if show_diff and as_json:
        raise click.UsageError("--diff prints text; it cannot be combined with --json")
    settings = _connection_settings("", connection, needs_credentials=evidence is None)

    if output_dir is not None:
        _refuse_output_dir_as_input(output_dir, paths)
        if not dry_run:
            _mark_output_dir(output_dir)
    # Copies an earlier run wrote into an --output-dir inside an input folder are not inputs.
    files = expand_paths(list(paths), skip=[output_dir] if output_dir is not None else [])
    if not files:
        raise CklautoError(f"no .ckl or .cklb files found in {', '.join(str(p) for p in paths)}")
    options = runner.RunOptions(
        checks=checks,
        site=site,
        connection=settings,
        server=server,
        evidence=evidence,
        inventory=inv,
        dry_run=dry_run,
        overwrite_reviewed=overwrite_reviewed,
        write_comments=not no_comments,
        output_dir=output_dir,
        jobs=jobs,
        per_org=per_org,
        allowed_servers=allow_servers,
        host_checks=host_checks,
        collect_evidence=collect_evidence,
        host_port=host_port,
        keep_texts=show_diff or bool(report and report.suffix.lower() in (".html", ".htm")),
    )
    base_dirs = [p for p in paths if p.is_dir()] if rerun is None else [rerun.base] if rerun.base else []
    result = _run_interruptibly(files, options, base_dirs, show_progress=not quiet and sys.stderr.isatty())
    for warning in result.warnings:
        click.echo(f"Warning: {visible(scrub(warning))}", err=True)
    if report:
        write_report(report, result.rows, dry_run=dry_run, interrupted=result.interrupted, texts=result.texts)
    if show_diff:
        from cklauto.diff_view import render_diff

        diff = render_diff(result.rows, result.texts, dry_run=dry_run)
        click.echo(diff + "\n" if diff else "No finding details or comments change.")
    if as_json:
        click.echo(render_json(result.rows, dry_run=dry_run, interrupted=result.interrupted), nl=False)
    elif not quiet:
        terminal = sys.stdout.isatty()
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if terminal else DEFAULT_WIDTH
        click.echo(
            render_table(result.rows, dry_run=dry_run, width=width, terminal=terminal, verbose=_output().verbose > 0)
        )
        if dry_run:
            click.echo("Dry run: nothing was written.")
    else:
        for line in failure_lines(result.rows):
            click.echo(f"Error: {line}", err=True)
    if result.interrupted:
        click.echo("Interrupted: no new hosts were started; finished writes stand.", err=True)
    code = result.exit_code(fail_on_open)
    if code == runner.EXIT_OK and nothing_checked(result.rows):
        click.echo(
            f"Error: nothing was checked: none of the {len(files)} checklist(s) found in "
            f"{', '.join(visible(str(p)) for p in paths)} holds the {EXCHANGE_STIG_NAME}"
            + (" with a selected rule" if rules else "")
            + " (is this the right folder?)",
            err=True,
        )
        code = EXIT_NOTHING_CHECKED
    sys.exit(code)


#: Left in every --output-dir: a later run may skip this folder's checklists as cklauto's own earlier copies.
OUTPUT_MARKER = ".cklauto-output"


def _refuse_output_dir_as_input(output_dir: Path, paths: tuple[Path, ...]) -> None:
    """An --output-dir that is an input folder, or inside one and holding someone's checklists, is refused.

    Inside an input folder it is not searched, so that a second run does not read the first run's copies; but a
    folder there that holds checklists cklauto did not write (no marker) is someone's, and copies could land on them.
    """
    real = os.path.realpath(output_dir)
    for path in paths:
        if not path.is_dir():
            continue
        folder = os.path.realpath(path)
        if folder == real:
            raise click.BadParameter(
                f"{output_dir} is also an input folder; its copies would replace the originals. "
                "Choose another folder (one inside the input folder is fine: it is not searched)",
                param_hint="--output-dir",
            )
        inside = real.startswith(folder.rstrip(os.sep) + os.sep)
        if inside and not os.path.exists(os.path.join(real, OUTPUT_MARKER)) and _holds_checklists(Path(real)):
            raise click.BadParameter(
                f"{output_dir} is inside the input folder {path} and holds checklists cklauto did not write there; "
                "they would be skipped and could be overwritten. Choose an empty or new folder",
                param_hint="--output-dir",
            )


def _holds_checklists(folder: Path) -> bool:
    from cklauto.discover import CHECKLIST_SUFFIXES

    return any(p.suffix.lower() in CHECKLIST_SUFFIXES for p in folder.rglob("*"))


def _mark_output_dir(output_dir: Path) -> None:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        marker = output_dir / OUTPUT_MARKER
        if not marker.exists():
            marker.write_text(
                "This folder holds copies written by cklauto run --output-dir; a later run does not read them.\n",
                encoding="utf-8",
            )
    except OSError as exc:
        raise CklautoError(f"{output_dir}: cannot be used as --output-dir: {exc.strerror or exc}") from None


def _read_pem(path: str | None, option: str) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CklautoError(
            f"{path}: cannot be read as PEM for {option}: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def _run_interruptibly(
    files: list[Path], options: RunOptions, base_dirs: list[Path], *, show_progress: bool
) -> RunResult:
    """Run the batch; SIGINT/SIGTERM stop new hosts from starting, and the summary still prints."""
    from cklauto import runner

    stop = threading.Event()
    previous: dict[int, Any] = {}

    def request_stop(signum: int, _frame: Any) -> None:
        stop.set()

    in_main_thread = threading.current_thread() is threading.main_thread()
    if in_main_thread:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, request_stop)
    try:
        if show_progress:
            with click.progressbar(length=1, label=_CHECKING, file=sys.stderr) as bar:

                def progress(done: int, total: int) -> None:
                    bar.length = max(total, 1)
                    bar.update(done - bar.pos)

                def waiting(hosts: list[tuple[str, float]]) -> None:
                    label = _waiting_label(hosts)
                    if label != bar.label:
                        bar.label = label
                        bar.render_progress()

                return runner.run(
                    files, options, base_dirs=base_dirs, stop=stop, on_progress=progress, on_waiting=waiting
                )
        return runner.run(files, options, base_dirs=base_dirs, stop=stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


_CHECKING = "Checking hosts"
#: After this many seconds without an answer, the progress bar names the hosts it is waiting for.
_STALLED_AFTER = 3.0


def _waiting_label(hosts: list[tuple[str, float]]) -> str:
    """The progress bar's label: which hosts a stalled run is waiting for, slowest first, and for how long."""
    slow = [(name, seconds) for name, seconds in hosts if seconds >= _STALLED_AFTER]
    if not slow:
        return _CHECKING
    name, seconds = slow[0]
    more = f" +{len(slow) - 1} more" if len(slow) > 1 else ""
    return f"Waiting for {visible(name)} ({int(seconds)} s){more}"


# ------------------------------------------------------------------------------------- config
@main.group("config")
def config_group() -> None:
    """The config file: defaults a site repeats on every run (auth, username, CA bundle, jobs, timeout,
    site settings file, inventory...).

    \b
    Example ~/.config/cklauto/config.toml (Windows: %APPDATA%\\cklauto\\config.toml):
      site = "/etc/cklauto/site.toml"       # relative paths: relative to this file
      inventory = "/etc/cklauto/hosts.csv"
      auth = "negotiate"
      username = "svc-stig@CONTOSO.MIL"
      ca_bundle = "/etc/pki/contoso-ca.pem"
      jobs = 16
      timeout = 120

    The command line wins over the environment (CKLAUTO_...), the environment over the config file.
    A password never goes in it: use CKLAUTO_PASSWORD or the prompt.
    """


@config_group.command("show")
@_verbose_option
@_config_option
def config_show() -> None:
    """Print the settings cklauto run starts from, and where each comes from (environment variable,
    config file or default); an option given on the command line wins over all of them.

    \b
    Examples:
      cklauto config show
      cklauto --config site-b.toml config show
    """
    from cklauto.config import KEYS, Config, user_config_path

    ctx = click.get_current_context()
    config: Config = ctx.meta.get("cklauto.config") or Config(None, "")
    if config.path is None:
        click.echo(f"Config file: none (the user's config file would be {visible(str(user_config_path()))})")
    else:
        click.echo(f"Config file: {visible(str(config.path))} (from {config.origin})")
    click.echo("")
    rows = [("KEY", "VALUE", "FROM")]
    for key in KEYS:
        command = main.commands[key.targets[0][0]]
        param = next(p for p in command.params if p.name == key.targets[0][1])
        command_ctx = click.Context(command, info_name=command.name, parent=ctx.find_root())
        variable = _variable_of(param, command_ctx)
        value: Any
        if variable is not None:
            value, origin = os.environ[variable], f"environment ({variable})"
        elif key.name in config.values:
            value, origin = config.values[key.name], "config file"
        else:
            value, origin = param.get_default(command_ctx), "default"
        rows.append((key.name, visible(_shown(value)), origin))
    password = "(set; never shown)" if os.environ.get("CKLAUTO_PASSWORD") else "(not set; prompted when needed)"
    rows.append(("password", password, "environment (CKLAUTO_PASSWORD)" if os.environ.get("CKLAUTO_PASSWORD") else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for name, value, origin in rows:
        click.echo(f"{name.ljust(widths[0])}  {value.ljust(widths[1])}  {origin}".rstrip())


def _shown(value: Any) -> str:
    # click >= 8.3 says "no default" with a sentinel rather than None.
    if value is None or value == () or value == [] or "UNSET" in repr(value):
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ------------------------------------------------------------------------------------- doctor
@main.command()
@_verbose_option
@_config_option
@click.argument("server")
@_connection_options
@_expected_errors
def doctor(server: str, **connection: Any) -> None:
    """Check, step by step, that SERVER can be asked, before touching any checklist.

    One line per step, ok or the error with its fix: name resolution, port, TLS (with --ssl),
    the credentials and Kerberos service principal that would be used, the Kerberos tickets,
    and whether Get-SendConnector answers for the account. Exit code 0 when every step is ok.

    \b
    Examples:
      cklauto doctor ex01.contoso.mil                     # Kerberos ticket from kinit
      cklauto doctor ex01.contoso.mil --username svc-stig@CONTOSO.MIL
      cklauto doctor ex01.contoso.mil --ssl --auth basic --username 'CONTOSO\\svc-stig'
    """
    from cklauto.doctor import diagnose

    settings = _connection_settings(server, connection, needs_credentials=True)
    failed = False
    for step in diagnose(settings):
        click.echo(step.line())
        failed = failed or step.status == "error"
    sys.exit(1 if failed else 0)


# ------------------------------------------------------------------------------------ emulate
HOSTS_FILE_HELP = """\b
The hosts file (JSON), for example:
  {"tls": true, "auth": "basic", "users": {"CONTOSO\\\\svc-stig": "a-test-password"},
   "hosts": [{"name": "ex01.contoso.mil", "sample": "compliant"},
             {"name": "ex02.contoso.mil", "port": 44302, "sample": "noncompliant", "delay": 2},
             {"name": "ex03.contoso.mil", "fail": "unauthorized"}]}

Top-level keys: "tls" (true: HTTPS with a CA of its own; false: HTTP with encrypted messages), "auth"
("basic", "ntlm" or "kerberos"), "users" (user name -> password; the accounts the servers accept),
"keytab" (with "kerberos": a keytab holding host/<name> keys for the hosts, from your own KDC; relative
to the hosts file), "bind" (the address to listen on, default 127.0.0.1) and "hosts" (a list with one
object per server).

Keys of a host: "name" (required; use the checklist's host name or FQDN), "port" (0 or absent: any free
port), "sample" ("compliant" or "noncompliant": realistic Exchange 2013 answers to every cmdlet cklauto
asks), "objects" (a cmdlet's objects yourself, as remote PowerShell sends them: {"Get-ReceiveConnector":
[{...}]}), "connectors" (the Send connectors: [{"Name": ..., "TlsDomain": ...}]), "delay" (seconds
before each answer), "hidden_cmdlets" (cmdlets the account's roles do not grant), "visible_core_cmdlets",
"configuration_name", "nested_identity", and the faults: "fail", "fail_on" (the WS-Management action it
hits: Create, Command, Send, Receive, Signal or Delete; default Create), "fail_path" ("/wsman" or
"/powershell": the endpoint a transport fault hits; default both), "fail_cmdlet" (a PowerShell-level
fault hits only this cmdlet), "error_message" and "redirect_to".

"fail" is one of: unauthorized, error_record, nonterminating, unknown_cmdlet, stopped, malformed, html500,
drop, hang, http503; hostile servers: huge, endless, trickle, redirect, echo_password_body,
echo_password_fault, echo_password_record."""


@main.command(epilog=HOSTS_FILE_HELP)
@_verbose_option
@click.option(
    "--hosts",
    "hosts_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file describing the emulated hosts (the format is below).",
)
@click.option(
    "--inventory-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the inventory CSV for these hosts to this file.",
)
@_expected_errors
def emulate(hosts_file: Path, inventory_out: Path | None) -> None:
    """Serve emulated Exchange servers on loopback until Ctrl-C (or SIGTERM), to try cklauto safely.

    Prints, per host, its URL and port, the CA certificate to pass as --ca-bundle, and an
    inventory CSV that points each host at its emulated server (cklauto run --inventory FILE).
    The CA and its key live in a temporary folder that is removed when the emulator stops.

    \b
    Example:
      cklauto emulate --hosts hosts.json --inventory-out inventory.csv
      # in another terminal (ca: the path printed above):
      CKLAUTO_PASSWORD=a-test-password cklauto run checklists/ --inventory inventory.csv \\
          --auth basic --username 'CONTOSO\\svc-stig' --ca-bundle /tmp/cklauto-emu-.../ca.pem --site site.toml
    """
    from cklauto.emulator import EmulatedExchange, load_hosts_file
    from cklauto.emulator.hostsfile import serve_forever_until_interrupted

    hosts, settings = load_hosts_file(hosts_file)
    try:
        emu = EmulatedExchange(hosts, **settings)
    except ValueError as exc:
        raise CklautoError(f"{hosts_file}: {exc}", "the hosts file format: cklauto emulate --help") from None
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        # SIGTERM too: the emulator then stops as after Ctrl-C, removing its temporary folder and CA key.
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        click.echo("Serving emulated Exchange (Ctrl-C to stop):", err=True)
        try:
            serve_forever_until_interrupted(emu, sys.stdout, stop, inventory=True, inventory_out=inventory_out)
        except OSError as exc:
            raise CklautoError(f"{hosts_file}: the emulator could not start: {exc.strerror or exc}") from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo("Stopped.", err=True)


# --------------------------------------------------------------------------------------- demo
@main.command()
@_verbose_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="New folder for the demo's checklists (default: ./cklauto-demo-<time>).",
)
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the emulated servers running after the demo, until Ctrl-C, and print the command to run against them.",
)
@_expected_errors
def demo(out_dir: Path | None, keep: bool) -> None:
    """Run the main job end to end on copies of the sample checklists shipped with cklauto, against the
    bundled emulated Exchange endpoint, and print the equivalent cklauto run command.

    The demo folder holds the checklists, the site settings, the inventory (inventory.csv), the
    emulator's hosts file (hosts.json, for cklauto emulate) and CA, and the report. Works from any folder.

    \b
    Examples:
      cklauto demo
      cklauto demo --out demo --keep     # then run cklauto yourself against the servers
    """
    from cklauto.demo import run_demo

    sys.exit(run_demo(out_dir, keep=keep))
