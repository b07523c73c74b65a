"""The ``cklauto`` command line: thin commands over the library.

Each command parses its options, calls one library function and renders what it returns.
Heavy modules (pypsrp, cryptography, the emulator) are imported inside the commands that need
them, so ``cklauto --help`` and ``cklauto show`` start fast.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cklauto import __version__
from cklauto.display import json_text, visible
from cklauto.errors import CklautoError
from cklauto.redact import SecretFilter, scrub

if TYPE_CHECKING:  # the runner imports the remoting layer; --help must not
    from cklauto.remoting import ConnectionSettings
    from cklauto.runner import RunOptions, RunResult

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0    every checklist holding the rule was evaluated and written
  1    at least one checklist could not be read, evaluated or written
  2    bad usage (unknown option, missing --domain, ...)
  3    --fail-on-open was given and at least one result is Open
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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "CKLAUTO"})
@click.version_option(__version__, "--version", prog_name="cklauto")
@click.option("-v", "--verbose", count=True, help="Per-host detail on stderr (-vv for debug).")
def main(verbose: int) -> None:
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
    the rest
    (e.g. CKLAUTO_RUN_JOBS=16). The password comes only from CKLAUTO_PASSWORD or a prompt.
    """
    # Never at any verbosity: these libraries log authentication tokens in their debug output, and a
    # Kerberos AP-REQ is a credential for as long as it is valid.
    for secretive in ("spnego", "requests_credssp", "pypsrp.negotiate"):
        logging.getLogger(secretive).setLevel(logging.WARNING)
    if verbose == 0:
        _guard_log_output()
        return
    # force: each invocation logs to the stderr of that invocation (tests run many in one process).
    level = logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="cklauto: %(name)s: %(message)s", stream=sys.stderr, force=True)
    _guard_log_output()
    if verbose < 2:
        # Library chatter (urllib3 connection pools, spnego) is noise below -vv.
        for noisy in ("urllib3", "pypsrp", "psrpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def _guard_log_output() -> None:
    """Last line of defence on every log line cklauto prints (including Python's fallback handler):
    pypsrp logs whole server answers at -vv, and a server may echo the password in them; host and
    file names in messages may hold escape sequences."""
    for handler in (*logging.getLogger().handlers, logging.lastResort):
        if handler is not None and not any(isinstance(f, SecretFilter) for f in handler.filters):
            handler.addFilter(SecretFilter(render=visible))


# --------------------------------------------------------------------------------------- show
@main.command()
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
        password = click.prompt(f"Password for {username}", hide_input=True, err=True)
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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
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
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no table; errors and the exit code only.")
@_expected_errors
def run(
    paths: tuple[Path, ...],
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
    quiet: bool,
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
      cklauto run ex01.ckl --site site.toml --dry-run --diff     # the texts that would be written
      cklauto run checklists/ --site site.toml --output-dir handover/ --report handover/report.html
    """
    from cklauto import runner
    from cklauto.checks import select_checks
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.report import render_json, render_table, write_report
    from cklauto.site import load_site_file, validate_domain, validate_settings

    try:
        checks = select_checks(rules)
    except CklautoError as exc:
        raise click.BadParameter(exc.one_line(), param_hint="--rule") from None
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
    base_dirs = [p for p in paths if p.is_dir()]
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
        click.echo(render_table(result.rows, dry_run=dry_run))
        if dry_run:
            click.echo("Dry run: nothing was written.")
    else:
        for row in result.rows:
            if row.error:
                click.echo(f"Error: {visible(scrub(row.error))}", err=True)
    if result.interrupted:
        click.echo("Interrupted: no new hosts were started; finished writes stand.", err=True)
    sys.exit(result.exit_code(fail_on_open))


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
            with click.progressbar(length=1, label="Checking hosts", file=sys.stderr) as bar:

                def progress(done: int, total: int) -> None:
                    bar.length = max(total, 1)
                    bar.update(done - bar.pos)

                return runner.run(files, options, base_dirs=base_dirs, stop=stop, on_progress=progress)
        return runner.run(files, options, base_dirs=base_dirs, stop=stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# ------------------------------------------------------------------------------------- doctor
@main.command()
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
@main.command()
@click.option(
    "--hosts",
    "hosts_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file describing the emulated hosts (see README).",
)
@_expected_errors
def emulate(hosts_file: Path) -> None:
    """Serve an emulated Exchange endpoint on loopback until Ctrl-C, to try cklauto safely.

    Prints, per host, the URL and port to use with cklauto run --server/--port (or an
    inventory), and the CA certificate to pass as --ca-bundle.
    """
    from cklauto.emulator import EmulatedExchange, load_hosts_file
    from cklauto.emulator.hostsfile import serve_forever_until_interrupted

    hosts, settings = load_hosts_file(hosts_file)
    emu = EmulatedExchange(hosts, **settings)
    click.echo("Serving emulated Exchange (Ctrl-C to stop):", err=True)
    serve_forever_until_interrupted(emu, sys.stdout)


# --------------------------------------------------------------------------------------- demo
@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="New folder for the demo's checklists (default: ./cklauto-demo-<time>).",
)
@_expected_errors
def demo(out_dir: Path | None) -> None:
    """Run the main job end to end on copies of the bundled sample checklists, against the
    bundled emulated Exchange endpoint, and print the equivalent cklauto run command."""
    from cklauto.demo import run_demo

    sys.exit(run_demo(out_dir))
