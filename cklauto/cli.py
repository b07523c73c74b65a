"""The ``cklauto`` command line: thin commands over the library.

Each command parses its options, calls one library function and renders what it returns.
Heavy modules (pypsrp, cryptography, the emulator) are imported inside the commands that need
them, so ``cklauto --help`` and ``cklauto show`` start fast.
"""

from __future__ import annotations

import functools
import json
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
from cklauto.errors import CklautoError

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
            click.echo(f"Error: {exc.one_line()}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "CKLAUTO"})
@click.version_option(__version__, "--version", prog_name="cklauto")
@click.option("-v", "--verbose", count=True, help="Per-host detail on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Fill the V-84609 review (EX13-MB-000120, "Exchange internal Send connectors must
    require encryption") of existing STIG Viewer checklists from a live check of the
    Exchange server, or from evidence saved on it.

    \b
    Examples:
      cklauto demo                                   # try it: sample checklists, emulated Exchange
      cklauto show checklists/                       # what the checklists say now
      cklauto doctor ex01.contoso.mil                # can ex01 be asked? name, port, Kerberos, rights
      cklauto run ex01.ckl --domain contoso.mil      # check ex01's server, write the result
      cklauto run checklists/ --domain contoso.mil --inventory hosts.csv --report before-review.csv
      cklauto new --xccdf U_MS_Exchange_2013_Mailbox_STIG_V2R3_Manual-xccdf.xml \\
                  --host EX01 --fqdn ex01.contoso.mil --format ckl -o ex01.ckl

    Options can also come from environment variables: CKLAUTO_DOMAIN, CKLAUTO_USERNAME,
    CKLAUTO_INVENTORY, CKLAUTO_CA_BUNDLE, and CKLAUTO_<COMMAND>_<OPTION> for the rest
    (e.g. CKLAUTO_RUN_JOBS=16). The password comes only from CKLAUTO_PASSWORD or a prompt.
    """
    # Never at any verbosity: these libraries log authentication tokens in their debug output, and a
    # Kerberos AP-REQ is a credential for as long as it is valid.
    for secretive in ("spnego", "requests_credssp", "pypsrp.negotiate"):
        logging.getLogger(secretive).setLevel(logging.WARNING)
    if verbose == 0:
        return
    # force: each invocation logs to the stderr of that invocation (tests run many in one process).
    level = logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="cklauto: %(name)s: %(message)s", stream=sys.stderr, force=True)
    if verbose < 2:
        # Library chatter (urllib3 connection pools, spnego) is noise below -vv.
        for noisy in ("urllib3", "pypsrp", "psrpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


# --------------------------------------------------------------------------------------- show
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per checklist) instead of text.")
def show(paths: tuple[Path, ...], as_json: bool) -> None:
    """Show each checklist's format, host, STIGs and the V-84609 review.

    PATHS are checklist files or folders (searched for .ckl and .cklb).

    \b
    Examples:
      cklauto show ex01.ckl
      cklauto show checklists/ --json
    """
    from cklauto.show import describe_all, render_text

    entries = describe_all(paths)
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(entries))
    if any(entry.get("error") for entry in entries):
        sys.exit(1)


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
    click.echo(f"Created {output} ({fmt}, {host_name}, {rules} rules, all Not_Reviewed)")


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
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _connection_settings(server: str, options: dict[str, Any], *, needs_credentials: bool) -> ConnectionSettings:
    """A ConnectionSettings from the connection options; prompts for the password when one is needed."""
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
        certificate_key_pem=_read_pem(options["cert_key_pem"], "--cert-key-pem"),
        timeout=options["timeout"],
        spn_service=options["spn_service"],
        spn_host=options["spn_host"],
    )


# ---------------------------------------------------------------------------------------- run
@main.command(epilog=EXIT_CODES_HELP)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--domain",
    "domains",
    multiple=True,
    envvar="CKLAUTO_DOMAIN",
    help="Internal SMTP domain from the site's Email Domain Security Plan. Repeatable. Required "
    "unless every checklist gets one from --inventory.",
)
@click.option("--server", help="Server to ask, for every checklist (default: each checklist's FQDN, else host name).")
@_connection_options
@click.option(
    "--evidence",
    type=click.Path(path_type=Path),
    help="Use a saved Get-SendConnector answer (JSON or CLIXML) instead of connecting.",
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
@click.option("--skip-reviewed", is_flag=True, help="Leave rules whose status a person set alone.")
@click.option(
    "--report", type=click.Path(dir_okay=False, path_type=Path), help="Also write the summary to FILE.json or FILE.csv."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout instead of a table.")
@click.option("--fail-on-open", is_flag=True, help="Exit 3 when any result is Open (for CI pipelines).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no table; errors and the exit code only.")
@_expected_errors
def run(
    paths: tuple[Path, ...],
    domains: tuple[str, ...],
    server: str | None,
    evidence: Path | None,
    inventory: Path | None,
    jobs: int,
    per_org: bool,
    output_dir: Path | None,
    dry_run: bool,
    skip_reviewed: bool,
    report: Path | None,
    as_json: bool,
    fail_on_open: bool,
    quiet: bool,
    **connection: Any,
) -> None:
    """Check V-84609 on each checklist's Exchange server and write the result into the checklist.

    PATHS are checklist files or folders (searched for .ckl and .cklb; checklists without the
    Exchange 2013 Mailbox STIG are reported as skipped). Each server is asked once, however many
    checklists name it. Writes are atomic; a failed host leaves its checklists untouched.

    \b
    Examples:
      export CKLAUTO_PASSWORD=...   # or be prompted; never on the command line
      cklauto run ex01.ckl --domain contoso.mil --username svc-stig@CONTOSO.MIL
      cklauto run checklists/ --domain contoso.mil --inventory hosts.csv --report review.csv
      cklauto run ex01.cklb --domain contoso.mil --evidence ex01-sendconnectors.json
      cklauto run checklists/ --domain contoso.mil --dry-run
    """
    from cklauto import runner
    from cklauto.checks.ex13_mb_000120 import validate_domain
    from cklauto.discover import expand_paths
    from cklauto.inventory import load_inventory
    from cklauto.report import render_json, render_table, write_report

    try:
        checked_domains = tuple(validate_domain(d) for d in domains)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--domain") from None
    inv = load_inventory(inventory) if inventory else None
    if not checked_domains and not (inv and all(e.domains for e in inv.entries)):
        raise click.UsageError(
            "give the internal SMTP domain with --domain (from the site's Email Domain Security Plan)"
        )
    if report and report.suffix.lower() not in (".json", ".csv"):
        raise click.BadParameter("the report file must end in .json or .csv", param_hint="--report")
    settings = _connection_settings("", connection, needs_credentials=evidence is None)

    files = expand_paths(list(paths))
    if not files:
        raise CklautoError(f"no .ckl or .cklb files found in {', '.join(str(p) for p in paths)}")
    options = runner.RunOptions(
        domains=checked_domains,
        connection=settings,
        server=server,
        evidence=evidence,
        inventory=inv,
        dry_run=dry_run,
        skip_reviewed=skip_reviewed,
        output_dir=output_dir,
        jobs=jobs,
        per_org=per_org,
    )
    base_dirs = [p for p in paths if p.is_dir()]
    result = _run_interruptibly(files, options, base_dirs, show_progress=not quiet and sys.stderr.isatty())
    if report:
        write_report(report, result.rows, dry_run=dry_run, interrupted=result.interrupted)
    if as_json:
        click.echo(render_json(result.rows, dry_run=dry_run, interrupted=result.interrupted), nl=False)
    elif not quiet:
        click.echo(render_table(result.rows, dry_run=dry_run))
        if dry_run:
            click.echo("Dry run: nothing was written.")
    else:
        for row in result.rows:
            if row.error:
                click.echo(f"Error: {row.error}", err=True)
    if result.interrupted:
        click.echo("Interrupted: no new hosts were started; finished writes stand.", err=True)
    sys.exit(result.exit_code(fail_on_open))


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
