"""The cmdlet engine: what the emulated Exchange runspace does with a pipeline.

It understands exactly the commands cklauto's check (and the doc's recipes) send:
``Get-SendConnector [-Identity X]``, ``Select-Object -Property a,b,c [-First n]`` and, on the
FullLanguage WinRM endpoint, ``Add-PSSnapin -Name Microsoft.Exchange.Management.PowerShell.SnapIn``.
Object shapes follow docs/exchange-remoting.md A3: plain Get-SendConnector objects carry
adapted properties under Exchange type names; Select-Object output is a ``Selected.<type>``
PSCustomObject with note properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psrpcore import ServerPipeline
from psrpcore.types import (
    ErrorCategory,
    ErrorCategoryInfo,
    ErrorRecord,
    NETException,
    PSInvocationState,
    PSObject,
    add_note_property,
)

from cklauto.emulator import catalog
from cklauto.emulator.behavior import HostBehavior, HostStats
from cklauto.emulator.objects import to_psobject

CONNECTOR_TYPE = "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig"
_DOMAIN_TYPES = ["Microsoft.Exchange.Data.SmtpDomainWithSubdomains", "System.Object"]
EXCHANGE_SNAPINS = {
    "microsoft.exchange.management.powershell.snapin",  # Exchange 2013/2016/2019
    "microsoft.exchange.management.powershell.e2010",  # Exchange 2010
}
_NOT_RECOGNIZED = (
    "The term '{0}' is not recognized as the name of a cmdlet, function, script file, or operable program. "
    "Check the spelling of the name, or if a path was included, verify that the path is correct and try again."
)


@dataclass(frozen=True)
class EndpointStyle:
    """How the endpoint a request arrived on behaves."""

    name: str  #: "exchange" (IIS /PowerShell) or "winrm" (/wsman + snap-in)
    configuration_name: str  #: the configuration the resource URI must name
    no_language: bool  #: NoLanguage runspace: scripts rejected, only visible cmdlets
    needs_snapin: bool  #: Exchange cmdlets appear only after Add-PSSnapin


class RunspaceState:
    """Per-pool state that survives between pipelines (like a real runspace's snap-in table)."""

    def __init__(self) -> None:
        self.snapin_loaded = False


class _Stopped(Exception):
    """The pipeline is stopped after writing ``partial``."""

    def __init__(self, partial: list[Any]) -> None:
        super().__init__("stopped")
        self.partial = partial


class _Terminating(Exception):
    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(str(record))
        self.record = record


def error_record(
    message: str,
    fq_error: str,
    category: ErrorCategory,
    exception_type: str,
    target: Any = None,
    reason: str | None = None,
    activity: str | None = None,
) -> ErrorRecord:
    exception = NETException(Message=message, HResult=-2146233087)
    exception.PSObject.type_names = [exception_type, "System.SystemException", "System.Exception", "System.Object"]
    return ErrorRecord(
        Exception=exception,
        CategoryInfo=ErrorCategoryInfo(
            Category=category,
            Activity=activity,
            Reason=reason or exception_type.rsplit(".", 1)[-1],
            TargetName=str(target) if target is not None else None,
        ),
        TargetObject=target,
        FullyQualifiedErrorId=fq_error,
    )


def _write_error(pipe: ServerPipeline, record: ErrorRecord) -> None:
    pipe.write_error(
        record.Exception,
        category_info=record.CategoryInfo,
        target_object=record.TargetObject,
        fully_qualified_error_id=record.FullyQualifiedErrorId,
    )


def _not_recognized(name: str) -> _Terminating:
    return _Terminating(
        error_record(
            _NOT_RECOGNIZED.format(name),
            "CommandNotFoundException",
            ErrorCategory.ObjectNotFound,
            "System.Management.Automation.CommandNotFoundException",
            target=name,
        )
    )


_GENERIC_TYPES = ("Microsoft.Exchange.Data.Directory.ADObject", "System.Object")
#: The .NET command class of each host cmdlet, as error records name it.
_HOST_COMMANDS = {
    "get-itemproperty": "Microsoft.PowerShell.Commands.GetItemPropertyCommand",
    "get-executionpolicy": "Microsoft.PowerShell.Commands.GetExecutionPolicyCommand",
    "get-service": "Microsoft.PowerShell.Commands.GetServiceCommand",
    "get-acl": "Microsoft.PowerShell.Commands.GetAclCommand",
    "get-partition": "Get-Partition",
    "get-scheduledtask": "Get-ScheduledTask",
}
#: Common parameters every cmdlet accepts.
_COMMON_PARAMETERS = {"erroraction", "warningaction", "domaincontroller", "verbose"}


def _binding_error(cmdlet: str, parameter: str) -> ErrorRecord:
    return error_record(
        f"A parameter cannot be found that matches parameter name '{parameter}'.",
        f"NamedParameterNotFound,{cmdlet}",
        ErrorCategory.InvalidArgument,
        "System.Management.Automation.ParameterBindingException",
    )


def _not_found(cmdlet: str, wanted: str) -> ErrorRecord:
    return error_record(
        f"The operation couldn't be performed because object '{wanted}' couldn't be found on 'dc01.contoso.mil'.",
        f"[Server=EX01] 5A4B3C2D,Microsoft.Exchange.Management.SystemConfigurationTasks.{cmdlet.replace('-', '')}",
        ErrorCategory.NotSpecified,
        "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException",
        target=wanted,
    )


def _server_names(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def _same_server(a: str, b: str) -> bool:
    a, b = a.strip().lower(), b.strip().lower()
    return bool(a) and (a == b or a.split(".", 1)[0] == b.split(".", 1)[0])


def _values(value: Any) -> list[str]:
    """A parameter value as a list of strings (pypsrp sends lists as PSList / ArrayList)."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [str(value)]
    return [str(v) for v in value]


def _params(command: Any) -> tuple[dict[str, Any], list[Any]]:
    named: dict[str, Any] = {}
    positional: list[Any] = []
    for name, value in command.parameters:
        if name:
            named[name.lstrip("-").lower()] = value
        else:
            positional.append(value)
    return named, positional


def connector_properties(connector: dict[str, Any]) -> dict[str, Any]:
    """A ``connectors`` shorthand entry as the full Send connector Exchange would return (defaults filled in)."""
    from cklauto.emulator.catalog.send_connector import send_connector

    tls_domain = connector.get("TlsDomain")
    props = send_connector(str(connector["Name"]), None)
    props.update(
        {
            "Identity": connector.get("Identity") or connector["Name"],
            "TlsDomain": tls_domain,
            "RequireTLS": bool(connector.get("RequireTLS", tls_domain is not None)),
            "TlsAuthLevel": connector.get("TlsAuthLevel", "DomainValidation" if tls_domain is not None else None),
        }
    )
    for key, value in connector.items():
        if key not in ("TlsDomain",):
            props[key] = value
    if isinstance(tls_domain, dict):
        text = str(tls_domain.get("Address") or tls_domain.get("Domain") or "")
        props["TlsDomain"] = {"$types": _DOMAIN_TYPES, "$tostring": text, **tls_domain}
    return props


def _property_of(obj: Any, name: str) -> Any:
    if isinstance(obj, PSObject):
        for prop in obj.PSObject.extended_properties + obj.PSObject.adapted_properties:
            if prop.name.lower() == name.lower():
                return prop.get_value(obj)
    return None


def _display(value: Any) -> str:
    return "" if value is None else str(value)


def select_object(obj: Any, properties: list[str]) -> PSObject:
    """What Select-Object -Property makes of one input object."""
    first_type = obj.PSObject.type_names[0] if isinstance(obj, PSObject) else "System.Object"
    selected = PSObject()
    selected.PSObject.type_names = [
        f"Selected.{first_type}",
        "System.Management.Automation.PSCustomObject",
        "System.Object",
    ]
    shown = []
    for name in properties:
        value = _property_of(obj, name)
        add_note_property(selected, name, value)
        shown.append(f"{name}={_display(value)}")
    selected.PSObject.to_string = "@{" + "; ".join(shown) + "}"
    return selected


class Engine:
    """Runs one pipeline against one host's behavior."""

    def __init__(self, behavior: HostBehavior, style: EndpointStyle, state: RunspaceState, stats: HostStats) -> None:
        self.behavior = behavior
        self.style = style
        self.state = state
        self.stats = stats

    def run(self, pipe: ServerPipeline) -> None:
        pipe.start()
        commands = list(pipe.metadata.commands) if pipe.metadata is not None else []
        try:
            statement: list[Any] = []
            for command in commands:
                statement.append(command)
                if command.end_of_statement:
                    self._run_statement(pipe, statement)
                    statement = []
            if statement:
                self._run_statement(pipe, statement)
        except _Terminating as err:
            # A terminating error fails the whole pipeline; the record travels as the
            # PipelineState's ExceptionAsErrorRecord, as PowerShell does.
            pipe._change_state(PSInvocationState.Failed, error=err.record)
            return
        except _Stopped as stop:
            # Stopped mid-output (Ctrl-C on the server side, a recycled app pool): the client
            # has part of the answer and no error record.
            for obj in stop.partial:
                pipe.write_output(obj)
            pipe._change_state(PSInvocationState.Stopped)
            return
        pipe.complete()

    def _run_statement(self, pipe: ServerPipeline, commands: list[Any]) -> None:
        # Resolve every command before running any, as PowerShell binds the whole pipeline first.
        handlers = [self._resolve(c) for c in commands]
        objects: list[Any] | None = None
        for handler, command in zip(handlers, commands, strict=True):
            self.stats.record_command(command.command_text)
            objects = handler(pipe, command, objects)
        for obj in objects or []:
            pipe.write_output(obj)

    def _resolve(self, command: Any):  # type: ignore[no-untyped-def]
        if command.is_script:
            if self.style.no_language:
                raise _Terminating(
                    error_record(
                        "The syntax is not supported by this runspace. This can occur if the runspace is in "
                        "no-language mode.",
                        "ScriptsNotAllowed",
                        ErrorCategory.ParserError,
                        "System.Management.Automation.ParseException",
                        target=command.command_text,
                    )
                )
            raise _Terminating(
                error_record(
                    "The emulated endpoint does not run scripts; send cmdlets.",
                    "ScriptsNotSupportedByEmulator",
                    ErrorCategory.NotImplemented,
                    "System.NotSupportedException",
                )
            )
        name = command.command_text.strip()
        key = name.lower()
        spec = catalog.cmdlets().get(key)
        if spec is None and any(name.lower() == key for name in self.behavior.objects):
            # A cmdlet the catalogue does not know, served from the host's own table (tests, hosts files).
            spec = catalog.Cmdlet(
                name=name, type_names=_GENERIC_TYPES, parameters=("Identity", "Server"), server_property="Server"
            )
        if spec is not None and spec.host:
            # A plain Windows cmdlet: on the host's FullLanguage endpoint, never on Exchange's NoLanguage one.
            hidden = key in {c.lower() for c in self.behavior.hidden_cmdlets}
            if not self.style.no_language and not hidden:
                return lambda pipe, cmd, objs: self._get_host(pipe, cmd, spec)
        elif spec is not None:
            exchange_visible = not self.style.needs_snapin or self.state.snapin_loaded
            hidden = key in {c.lower() for c in self.behavior.hidden_cmdlets}
            if exchange_visible and not hidden and not (self.behavior.fail == "unknown_cmdlet" and self._faulty(name)):
                return lambda pipe, cmd, objs: self._get(pipe, cmd, objs, spec)
        elif key == "select-object":
            visible = {c.lower() for c in self.behavior.visible_core_cmdlets}
            if not self.style.no_language or key in visible:
                return self._select_object
        elif key == "add-pssnapin":
            if not self.style.no_language:
                return self._add_pssnapin
        raise _not_recognized(name)

    def _faulty(self, cmdlet: str) -> bool:
        """Whether the host's PowerShell-level fault applies to ``cmdlet`` (all Exchange cmdlets by default)."""
        target = self.behavior.fail_cmdlet
        return target is None or target.lower() == cmdlet.lower()

    def _get(self, pipe: ServerPipeline, command: Any, _input: list[Any] | None, spec: catalog.Cmdlet) -> list[Any]:
        behavior = self.behavior
        faulty = behavior.fail is not None and self._faulty(spec.name)
        if faulty and behavior.fail == "error_record":
            raise _Terminating(
                error_record(
                    behavior.error_message
                    or "Active Directory operation failed on dc01.contoso.mil. This error is not retriable. "
                    "Additional information: Access is denied.",
                    f"[Server=EX01,RequestId=00000000-0000-0000-0000-000000000000] 9F1A2B3C,"
                    f"Microsoft.Exchange.Management.SystemConfigurationTasks.{spec.name.replace('-', '')}",
                    ErrorCategory.PermissionDenied,
                    "Microsoft.Exchange.Data.Directory.ADOperationException",
                )
            )
        named, positional = _params(command)
        allowed = {p.lower() for p in spec.parameters} | _COMMON_PARAMETERS
        given = {name.lstrip("-") for name, _value in command.parameters if name}
        unknown = sorted(name for name in given if name.lower() not in allowed)
        if unknown or len(positional) > 1 or (positional and "identity" not in allowed):
            bad = unknown[0] if unknown else str(positional[-1])
            raise _Terminating(
                error_record(
                    f"A parameter cannot be found that matches parameter name '{bad}'.",
                    f"NamedParameterNotFound,{spec.name}",
                    ErrorCategory.InvalidArgument,
                    "System.Management.Automation.ParameterBindingException",
                )
            )
        objects = [dict(o) for o in behavior.objects_for(spec.name)]
        server = named.get("server")
        if server is not None and not spec.server_property:
            # Nothing on these objects names their server (certificates, event log categories): a host's table holds
            # only its own, so -Server only has to name this host.
            if not _same_server(behavior.name, str(server)):
                raise _Terminating(_not_found(spec.name, str(server)))
        elif server is not None and spec.server_property:
            wanted = str(server)
            prop = spec.server_property
            known = {behavior.name, *(name for o in objects for name in _server_names(o.get(prop)))}
            if not any(_same_server(k, wanted) for k in known if k):
                raise _Terminating(_not_found(spec.name, wanted))
            # A list-valued server property (a DAG database's Servers) matches when any member is the server.
            objects = [o for o in objects if any(_same_server(n, wanted) for n in _server_names(o.get(prop)))]
        identity = named.get("identity", positional[0] if positional else None)
        if identity is not None:
            key = str(identity).lower()
            objects = [o for o in objects if any(str(o.get(p) or "").lower() == key for p in spec.identity_properties)]
            if not objects and spec.not_found_is_error:
                _write_error(pipe, _not_found(spec.name, str(identity)))
        if "filter" in named:
            if spec.filter is None:
                raise _Terminating(_binding_error(spec.name, "Filter"))
            text = str(named["filter"])
            objects = [o for o in objects if spec.filter(text, o)]
        if "status" not in named:
            for obj in objects:
                for prop in spec.status_properties:
                    obj[prop] = None
        if spec.recipient:
            size = named.get("resultsize")
            limit = None if str(size).lower() == "unlimited" else int(size) if size is not None else 1000
            if limit is not None and len(objects) > limit:
                objects = objects[:limit]
                pipe.write_warning(
                    f"By default, only the first {limit} items are returned. Use the ResultSize parameter to "
                    'specify the number of items returned. To return all items, specify "-ResultSize Unlimited".'
                )
        result = [
            to_psobject(
                {k: v for k, v in o.items() if k != "$types"},
                o.get("$types") or spec.type_names,
                nested_identity=behavior.nested_identity,
            )
            for o in objects
        ]
        if faulty and behavior.fail == "stopped":
            raise _Stopped(result[:1])
        if faulty and behavior.fail == "nonterminating":
            _write_error(
                pipe,
                error_record(
                    behavior.error_message
                    or "The object 'Legacy Relay' couldn't be read: the object is corrupted and is in an "
                    "inconsistent state.",
                    f"[Server=EX01] 1C2D3E4F,Microsoft.Exchange.Management.SystemConfigurationTasks.{spec.name}",
                    ErrorCategory.ReadError,
                    "Microsoft.Exchange.Data.DataValidationException",
                    target="Legacy Relay",
                ),
            )
        return result

    def _get_host(self, pipe: ServerPipeline, command: Any, spec: catalog.Cmdlet) -> list[Any]:
        """A Windows cmdlet of the host's endpoint: its ``select`` picks the objects; HostError is its error record."""
        behavior = self.behavior
        if (
            behavior.fail == "error_record"
            and behavior.fail_cmdlet
            and behavior.fail_cmdlet.lower() == spec.name.lower()
        ):
            raise _Terminating(
                error_record(
                    behavior.error_message or "Access is denied.",
                    f"System.UnauthorizedAccessException,{_HOST_COMMANDS.get(spec.name.lower(), spec.name)}",
                    ErrorCategory.PermissionDenied,
                    "System.UnauthorizedAccessException",
                )
            )
        named, positional = _params(command)
        allowed = {p.lower() for p in spec.parameters} | _COMMON_PARAMETERS
        unknown = sorted(name for name in named if name not in allowed)
        if unknown or positional:
            bad = unknown[0] if unknown else str(positional[0])
            raise _Terminating(_binding_error(_HOST_COMMANDS.get(spec.name.lower(), spec.name), bad))
        assert spec.select is not None
        objects = [dict(o) for o in behavior.objects_for(spec.name)]
        try:
            chosen = spec.select(named, objects)
        except catalog.HostError as err:
            _write_error(
                pipe,
                error_record(
                    err.message,
                    err.fq_error,
                    getattr(ErrorCategory, err.category),
                    err.exception_type,
                    target=err.target or None,
                ),
            )
            chosen = err.partial
        return [
            to_psobject({k: v for k, v in o.items() if k != "$types"}, o.get("$types") or spec.type_names)
            for o in chosen
        ]

    def _select_object(self, pipe: ServerPipeline, command: Any, objects: list[Any] | None) -> list[Any]:
        named, positional = _params(command)
        properties = _values(named.get("property", positional[0] if positional else None))
        unsupported = set(named) - {"property", "first"}
        if unsupported:
            raise _Terminating(
                error_record(
                    f"A parameter cannot be found that matches parameter name '{sorted(unsupported)[0]}'.",
                    "NamedParameterNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand",
                    ErrorCategory.InvalidArgument,
                    "System.Management.Automation.ParameterBindingException",
                )
            )
        objects = list(objects or [])
        if "first" in named:
            objects = objects[: int(named["first"])]
        if not properties:
            return objects
        return [select_object(obj, properties) for obj in objects]

    def _add_pssnapin(self, pipe: ServerPipeline, command: Any, _input: list[Any] | None) -> list[Any]:
        named, positional = _params(command)
        for name in _values(named.get("name", positional[0] if positional else None)):
            if name.lower() in EXCHANGE_SNAPINS:
                self.state.snapin_loaded = True
            else:
                _write_error(
                    pipe,
                    error_record(
                        f"The Windows PowerShell snap-in '{name}' is not installed on this computer.",
                        "AddPSSnapInRead,Microsoft.PowerShell.Commands.AddPSSnapinCommand",
                        ErrorCategory.InvalidArgument,
                        "System.Management.Automation.PSArgumentException",
                        target=name,
                    ),
                )
        return []
