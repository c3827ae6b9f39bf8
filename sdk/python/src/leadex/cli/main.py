"""``leadex``: research leads from the terminal.

Exit codes follow the error class: 0 ok, 1 other API error, 2 usage, 3 authentication or
permission, 4 not found, 5 conflict, 6 invalid request, 7 insufficient credits, 8 rate
limited, 9 server or connection error, 10 the job failed or was stopped.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

try:
    import click
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table
    from rich.text import Text
except ImportError:  # pragma: no cover - exercised only without the extra
    sys.stderr.write('The leadex command needs its extra: pip install "leadex[cli]"\n')
    raise SystemExit(1) from None

from leadex import (
    NOT_GIVEN,
    APIConnectionError,
    APIError,
    AuthenticationError,
    ConflictError,
    InsufficientCreditsError,
    InternalServerError,
    Job,
    Leadex,
    LeadexError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    __version__,
)
from leadex._errors import BadRequestError, UnprocessableEntityError
from leadex._models import LeadexModel
from leadex.cli import config

EXIT_API = 1
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_CONFLICT = 5
EXIT_INVALID = 6
EXIT_CREDITS = 7
EXIT_RATE_LIMIT = 8
EXIT_SERVER = 9
EXIT_JOB_FAILED = 10

_EXIT_CODES: list[tuple[type[Exception], int]] = [
    (AuthenticationError, EXIT_AUTH),
    (PermissionDeniedError, EXIT_AUTH),
    (NotFoundError, EXIT_NOT_FOUND),
    (ConflictError, EXIT_CONFLICT),
    (BadRequestError, EXIT_INVALID),
    (UnprocessableEntityError, EXIT_INVALID),
    (InsufficientCreditsError, EXIT_CREDITS),
    (RateLimitError, EXIT_RATE_LIMIT),
    (InternalServerError, EXIT_SERVER),
    (APIConnectionError, EXIT_SERVER),
]

FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}

F = TypeVar("F", bound=Callable[..., Any])

err = Console(stderr=True)


def exit_code_for(error: Exception) -> int:
    """The exit code of an error's class."""
    for cls, code in _EXIT_CODES:
        if isinstance(error, cls):
            return code
    return EXIT_API


def _fail(error: LeadexError) -> NoReturn:
    if isinstance(error, APIError):
        message = error.message
        if error.status_code is not None:
            message = f"{message} ({error.status_code} {error.code or 'error'})"
        if error.request_id:
            message = f"{message}\nrequest_id: {error.request_id}"
    else:
        message = str(error)
    err.print(Text("Error: ", style="bold red") + Text(message), highlight=False)
    raise SystemExit(exit_code_for(error))


class State:
    """What every command gets: the chosen profile, output mode, and a lazy client."""

    def __init__(self, profile: str, api_key: str | None, base_url: str | None, as_json: bool):
        self.profile = profile
        self.api_key = api_key
        self.base_url = base_url
        self.as_json = as_json
        self._client: Leadex | None = None

    @property
    def client(self) -> Leadex:
        """The API client: the environment wins over the stored profile."""
        if self._client is None:
            stored = config.profile(self.profile)
            key = self.api_key or os.environ.get("LEADEX_API_KEY") or stored.get("api_key")
            if not key:
                err.print(
                    "[bold red]Error:[/] no API key. Run `leadex login`, or set LEADEX_API_KEY."
                )
                raise SystemExit(EXIT_AUTH)
            base = self.base_url or os.environ.get("LEADEX_BASE_URL") or stored.get("base_url")
            self._client = Leadex(api_key=key, base_url=base)
        return self._client

    def emit(self, value: Any) -> None:
        """Print machine-readable JSON."""
        click.echo(json.dumps(_jsonable(value), indent=2, ensure_ascii=False))


def _jsonable(value: Any) -> Any:
    if isinstance(value, LeadexModel):
        return value.to_dict()
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def api_errors(function: F) -> F:
    """Turn the library's errors into a message, a request id and an exit code."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LeadexError as error:
            _fail(error)
        except KeyboardInterrupt:
            err.print("Interrupted.")
            raise SystemExit(130) from None

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper  # type: ignore[return-value]


pass_state = click.make_pass_decorator(State)


def _json_flag(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    state = ctx.find_object(State)
    if value and state is not None:
        state.as_json = True


def json_option(function: F) -> F:
    """``--json`` after the command too: ``leadex jobs list --json``."""
    return click.option(
        "--json",
        is_flag=True,
        expose_value=False,
        callback=_json_flag,
        help="Print machine-readable JSON.",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--profile", default=config.DEFAULT_PROFILE, show_default=True, help="Stored key.")
@click.option("--api-key", default=None, help="Overrides LEADEX_API_KEY and the profile.")
@click.option("--base-url", default=None, help="Overrides LEADEX_BASE_URL and the profile.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.version_option(__version__, prog_name="leadex")
@click.pass_context
def cli(
    ctx: click.Context, profile: str, api_key: str | None, base_url: str | None, as_json: bool
) -> None:
    """Research leads with the Leadex API.

    \b
    Example:
      leadex login
      leadex search "Series A fintechs in France" --max-rows 50 -o leads.csv

    The key comes from --api-key, then LEADEX_API_KEY, then the stored profile.
    Shell completion: eval "$(_LEADEX_COMPLETE=bash_source leadex)" (zsh_source, fish_source).
    """
    ctx.obj = State(profile, api_key, base_url, as_json)


@cli.command()
@click.option("--api-key", "key", default=None, help="The key; asked for when left out.")
@click.option(
    "--base-url", "url", default=None, help="A self-hosted server, e.g. http://127.0.0.1:8000."
)
@json_option
@pass_state
@api_errors
def login(state: State, key: str | None, url: str | None) -> None:
    """Check a key and store it in your config directory (mode 0600).

    \b
    Example:
      leadex login --base-url http://127.0.0.1:8000
      leadex --profile prod login
    """
    key = key or click.prompt("API key", hide_input=True)
    url = url or state.base_url
    with Leadex(api_key=key, base_url=url) as client:
        me = client.account.me()
    path = config.save_profile(state.profile, key, url)
    if state.as_json:
        state.emit(
            {"profile": state.profile, "path": str(path), "organization": me.organization.name}
        )
        return
    mode = "live" if me.livemode else "test"
    click.echo(
        f"Logged in to {me.organization.name} ({mode} mode) as profile "
        f"'{state.profile}'; key stored in {path}."
    )


@cli.command()
@click.argument("prompt")
@click.option("--max-rows", type=click.IntRange(1, 2000), default=None, help="Cap on leads.")
@click.option("--max-credits", type=click.IntRange(1), default=None, help="Credit ceiling.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the leads here: .csv, .json or .xlsx.",
)
@json_option
@pass_state
@api_errors
def search(
    state: State, prompt: str, max_rows: int | None, max_credits: int | None, output: Path | None
) -> None:
    """Run an audience query end to end, with a live progress bar, and save the leads.

    \b
    Example:
      leadex search "Heads of Data at US healthcare companies" --max-rows 100 -o leads.csv
    """
    fmt = _format_of(output) if output else None
    client = state.client
    started = client.search(
        prompt=prompt,
        wait="async",
        max_rows=max_rows or NOT_GIVEN,
        max_credits=max_credits or NOT_GIVEN,
    )
    job = _follow(state, started.job_id, total=len(started.plan.steps), title=started.plan.title)
    if output is not None and fmt is not None and job.artifact is not None:
        client.artifacts.download(job.artifact.id, to=output, format=fmt)
    if state.as_json:
        state.emit({"job": job.to_dict(), "output": str(output) if output else None})
    else:
        if output is not None and job.artifact is not None:
            err.print(f"Saved {job.artifact.rows} rows to {output}", markup=False, highlight=False)
        elif output is None:
            _print_leads(client.jobs.leads(job.id, limit=20).data)
        if job.summary:
            err.print(job.summary, highlight=False, markup=False, soft_wrap=True)
    if job.status != "succeeded":
        raise SystemExit(EXIT_JOB_FAILED)


def _format_of(output: Path) -> str:
    fmt = FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise click.BadParameter("use a .csv, .json or .xlsx file name", param_hint="-o")
    return fmt


def _follow(state: State, job_id: str, *, total: int, title: str | None = None) -> Job:
    """Stream a job to its end: a progress bar and a step log on stderr."""
    client = state.client
    leads = 0
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} steps"),
        TextColumn("{task.fields[leads]} leads"),
        TimeElapsedColumn(),
        console=err,
        disable=state.as_json,
        transient=False,
    ) as progress:
        task = progress.add_task(title or job_id, total=max(total, 1), leads=0)
        for event in client.jobs.stream(job_id):
            if event.type == "step":
                status = event.data.get("status")
                progress.console.print(
                    f"[step] {event.data.get('title') or ''} — {status}", markup=False
                )
                if status in {"completed", "failed"}:
                    progress.advance(task)
            elif event.type == "log":
                progress.console.print(f"  {event.data.get('message')}", style="dim", markup=False)
            elif event.type == "result":
                leads += len(event.data.get("leads") or [])
                progress.update(task, leads=leads)
            elif event.type in {"done", "error", "stopped"}:
                if event.type == "done":
                    progress.update(task, completed=max(total, 1))
                else:
                    message = event.data.get("message") or event.data.get("reason") or ""
                    progress.console.print(f"[{event.type}] {message}", style="red", markup=False)
    return client.jobs.retrieve(job_id)


_ID_COLUMNS = {"id", "artifact", "last job"}


def _table(*columns: str) -> Table:
    """A table whose id columns are never cut, so they can be copied."""
    table = Table()
    for column in columns:
        if column in _ID_COLUMNS:
            table.add_column(column, no_wrap=True, min_width=31)
        elif column in {"created", "updated", "status"}:
            table.add_column(column, no_wrap=True)
        else:
            table.add_column(column)
    return table


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _print_leads(leads: Iterable[Any]) -> None:
    table = Table("company", "domain", "person", "title", "email", "confidence")
    for lead in leads:
        person = lead.person
        table.add_row(
            lead.company.name or "",
            lead.company.domain or "",
            person.full_name if person else "",
            (person.title or "") if person else "",
            (person.email or "") if person else "",
            f"{lead.confidence:.2f}",
        )
    Console().print(table)


# threads


@cli.group()
def threads() -> None:
    """Research conversations.

    \b
    Example:
      leadex threads list
    """


@threads.command("list")
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--all", "walk", is_flag=True, help="Walk every page.")
@json_option
@pass_state
@api_errors
def threads_list(state: State, limit: int, walk: bool) -> None:
    """List threads, most recent first.

    \b
    Example:
      leadex threads list --limit 5
    """
    page = state.client.threads.list(limit=limit)
    items = list(page) if walk else page.data
    if state.as_json:
        state.emit(items)
        return
    table = _table("id", "title", "messages", "last job", "updated")
    for thread in items:
        table.add_row(
            thread.id,
            thread.title or "",
            str(thread.message_count),
            thread.last_job_id or "",
            _when(thread.updated_at),
        )
    Console().print(table)


@threads.command("show")
@click.argument("thread_id")
@json_option
@pass_state
@api_errors
def threads_show(state: State, thread_id: str) -> None:
    """Show a thread and its messages.

    \b
    Example:
      leadex threads show thr_01HXA4Z2M8V5WC9T7R1K
    """
    client = state.client
    thread = client.threads.retrieve(thread_id)
    messages = list(client.messages.list(thread_id))
    if state.as_json:
        state.emit({**thread.to_dict(), "messages": [m.to_dict() for m in messages]})
        return
    click.echo(f"{thread.id}  {thread.title or ''}")
    for message in messages:
        click.echo(f"  [{message.role}] {message.content}")


@threads.command("create")
@click.option("--title", default=None)
@json_option
@pass_state
@api_errors
def threads_create(state: State, title: str | None) -> None:
    """Create a thread.

    \b
    Example:
      leadex threads create --title "Series A FinTech in EU"
    """
    thread = state.client.threads.create(title=title)
    state.emit(thread) if state.as_json else click.echo(thread.id)


@threads.command("delete")
@click.argument("thread_id")
@click.option("--force", is_flag=True, help="Stop its running jobs first.")
@json_option
@pass_state
@api_errors
def threads_delete(state: State, thread_id: str, force: bool) -> None:
    """Delete a thread and everything in it.

    \b
    Example:
      leadex threads delete thr_01HXA4Z2M8V5WC9T7R1K --force
    """
    deleted = state.client.threads.delete(thread_id, force=force)
    state.emit(deleted) if state.as_json else click.echo(f"Deleted {deleted.id}")


# jobs


@cli.group()
def jobs() -> None:
    """Jobs: the execution of approved plans.

    \b
    Example:
      leadex jobs list --status running
    """


def _show_job(state: State, job: Job) -> None:
    if state.as_json:
        state.emit(job)
        return
    click.echo(f"{job.id}  {job.status}  {job.progress.percent}%  credits={job.credits_used}")
    if job.artifact:
        click.echo(f"artifact {job.artifact.id}: {job.artifact.rows} rows")
    if job.summary:
        click.echo(job.summary)
    if job.error:
        click.echo(f"error {job.error.code}: {job.error.message}")


@jobs.command("list")
@click.option("--status", default=None, help="Comma-separated statuses.")
@click.option("--thread", "thread_id", default=None)
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@json_option
@pass_state
@api_errors
def jobs_list(state: State, status: str | None, thread_id: str | None, limit: int) -> None:
    """List jobs across threads.

    \b
    Example:
      leadex jobs list --status running,pending
    """
    items = state.client.jobs.list(status=status, thread_id=thread_id, limit=limit).data
    if state.as_json:
        state.emit(items)
        return
    table = _table("id", "status", "progress", "credits", "artifact", "created")
    for job in items:
        table.add_row(
            job.id,
            job.status,
            f"{job.progress.percent}%",
            str(job.credits_used),
            job.artifact.id if job.artifact else "",
            _when(job.created_at),
        )
    Console().print(table)


@jobs.command("show")
@click.argument("job_id")
@json_option
@pass_state
@api_errors
def jobs_show(state: State, job_id: str) -> None:
    """Show a job.

    \b
    Example:
      leadex jobs show job_01HXA5
    """
    _show_job(state, state.client.jobs.retrieve(job_id))


@jobs.command("approve")
@click.argument("job_id")
@click.option("--max-credits", type=click.IntRange(1), default=None)
@click.option("--wait", is_flag=True, help="Follow the job to its end.")
@json_option
@pass_state
@api_errors
def jobs_approve(state: State, job_id: str, max_credits: int | None, wait: bool) -> None:
    """Approve a pending job.

    \b
    Example:
      leadex jobs approve job_01HXA5 --max-credits 100 --wait
    """
    client = state.client
    job = client.jobs.approve(job_id, max_credits=max_credits or NOT_GIVEN)
    if wait:
        plan = client.plans.retrieve(job.plan_id)
        job = _follow(state, job_id, total=len(plan.steps), title=plan.title)
    _show_job(state, job)


@jobs.command("stop")
@click.argument("job_id")
@click.option("--reason", default=None)
@json_option
@pass_state
@api_errors
def jobs_stop(state: State, job_id: str, reason: str | None) -> None:
    """Stop a running job; what it found goes to a partial artifact.

    \b
    Example:
      leadex jobs stop job_01HXA5 --reason "enough for today"
    """
    _show_job(state, state.client.jobs.stop(job_id, reason=reason or NOT_GIVEN))


@jobs.command("stream")
@click.argument("job_id")
@json_option
@pass_state
@api_errors
def jobs_stream(state: State, job_id: str) -> None:
    """Print a job's events until it ends (JSON lines with --json).

    \b
    Example:
      leadex jobs stream job_01HXA5
    """
    for event in state.client.jobs.stream(job_id):
        if state.as_json:
            click.echo(
                json.dumps({"id": event.id, "type": event.type, "data": event.data.to_dict()})
            )
        elif event.type == "result":
            click.echo(f"[result] {len(event.data.get('leads') or [])} leads")
        else:
            click.echo(f"[{event.type}] {json.dumps(event.data.to_dict(), ensure_ascii=False)}")


@jobs.command("leads")
@click.argument("job_id")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None)
@click.option("--limit", type=click.IntRange(1), default=None, help="Stop after this many.")
@json_option
@pass_state
@api_errors
def jobs_leads(state: State, job_id: str, min_confidence: float | None, limit: int | None) -> None:
    """List a job's leads (every page).

    \b
    Example:
      leadex --json jobs leads job_01HXA5 --min-confidence 0.9
    """
    leads = []
    for lead in state.client.jobs.leads(job_id, min_confidence=min_confidence):
        leads.append(lead)
        if limit is not None and len(leads) >= limit:
            break
    state.emit(leads) if state.as_json else _print_leads(leads)


# artifacts


@cli.group()
def artifacts() -> None:
    """The files jobs produce.

    \b
    Example:
      leadex artifacts download art_01HXA6 -o leads.csv
    """


@artifacts.command("download")
@click.argument("artifact_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File (.csv, .json, .xlsx) or directory.",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default=None)
@json_option
@pass_state
@api_errors
def artifacts_download(state: State, artifact_id: str, output: Path, fmt: str | None) -> None:
    """Download an artifact.

    \b
    Example:
      leadex artifacts download art_01HXA6 -o leads.xlsx
    """
    if fmt is None and not output.is_dir():
        fmt = _format_of(output)
    file = state.client.artifacts.download(artifact_id, format=fmt)
    path = file.save_to(output)
    if state.as_json:
        state.emit({"artifact": file.artifact.to_dict(), "path": str(path)})
    else:
        err.print(f"Saved {file.artifact.rows} rows to {path}", markup=False, highlight=False)


def main() -> None:
    """Entry point of the ``leadex`` command."""
    cli(prog_name="leadex")


if __name__ == "__main__":
    main()
