"""`itaku rules ...`: list, test, explain the rule catalog."""

from __future__ import annotations

import json
import sys

import click

from itaku.cli.common import LANG, PROFILE, catalog_for, handles_errors
from itaku.engine.catalog import Compiled, Derivation, Rule
from itaku.engine.coverage import coverage, markdown_table, scope_table
from itaku.engine.errors import ExitCode, InputError
from itaku.engine.evaluation import Evaluator
from itaku.engine.lint import lint
from itaku.engine.rule_examples import run_examples
from itaku.engine.safe_text import inert_line, json_text
from itaku.engine.wording import phrase


def _summary(c: Compiled) -> dict[str, object]:
    spec = c.spec
    return {
        "id": c.id,
        "kind": "derivation" if isinstance(spec, Derivation) else "rule",
        "topic": spec.topic if isinstance(spec, Rule) else "classification",
        "severity": spec.severity if isinstance(spec, Rule) else None,
        "source": spec.source,
        "file": c.file,
        "effective": {
            "from": spec.effective.from_.isoformat() if spec.effective.from_ else None,
            "until": spec.effective.until.isoformat() if spec.effective.until else None,
        },
        "examples": {"fires": len(spec.examples.fires), "passes": len(spec.examples.passes)},
    }


@click.group()
def rules() -> None:
    """The rule catalog: list, test, explain."""


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@LANG
@PROFILE
@handles_errors
def list_rules(fmt: str, lang: str, profile: str | None) -> None:
    """Every rule and derivation with topic, severity, source and example counts."""
    catalog = catalog_for(profile)
    items = [_summary(c) for c in (*catalog.derivations, *catalog.rules)]
    if fmt == "json":
        click.echo(json_text(items, indent=2))
        return
    for item in items:
        ex = item["examples"]
        click.echo(inert_line(
            f"{item['id']:<28} {item['severity'] or '-':<8} {item['topic']:<32} "
            f"{phrase('rules.list.examples', fires=ex['fires'], passes=ex['passes'])}  {item['source']}"  # type: ignore[index]
        ))


@rules.command("test")
@click.option("--verbose", "-v", is_flag=True, help="Also list the examples that pass.")
@click.option("--engine", "engine_name", type=click.Choice(["durable", "reference"]), default="durable", show_default=True)
@LANG
@PROFILE
@handles_errors
def test_rules(verbose: bool, engine_name: str, lang: str, profile: str | None) -> None:
    """Run every rule's examples (the profile's own rules and scheme included); exit 1 and name each
    failure (rule, example, fields)."""
    results = run_examples(Evaluator(catalog_for(profile), engine_name))
    failures = [r for r in results if not r.ok]
    for r in results:
        if verbose or not r.ok:
            click.echo(inert_line(r.describe()))
    click.echo(phrase("rules.test.summary", passed=len(results) - len(failures), failed=len(failures)))
    if failures:
        sys.exit(ExitCode.FINDINGS)


@rules.command("explain")
@click.argument("rule_id")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@PROFILE
@handles_errors
def explain(rule_id: str, lang: str, profile: str | None) -> None:
    """A rule's text, source, condition, parameters, examples and dates in force."""
    catalog = catalog_for(profile)
    c = catalog.rule(rule_id)
    if c is None:
        off = catalog.disabled.get(rule_id)
        if off is not None:
            raise InputError(rule_id, None, phrase("error.rule_switched_off", lang, reason=off.get(lang)))
        raise InputError(rule_id, None, phrase("error.unknown_rule_id", lang))
    spec = c.spec
    out = [f"{c.id}  ({c.file}:{c.line})"]
    if isinstance(spec, Rule):
        topic = catalog.topics[spec.topic]
        out += [
            f"{phrase('explain.title', lang)}: {spec.title.get(lang)}",
            f"{phrase('explain.topic', lang)}: {topic.get(lang)} [{spec.topic}]",
            f"{phrase('explain.severity', lang)}: {spec.severity}" + (
                phrase("explain.severity_changed", lang, original=note.original, reason=note.reason.get(lang))
                if (note := catalog.severity_notes.get(c.id)) else ""
            ),
            f"{phrase('explain.basis', lang)}: {phrase('explain.basis_' + spec.basis, lang, silence=spec.silent_severity)}",
            f"{phrase('explain.impact', lang)}: {spec.impact}",
            *(
                f"{phrase('explain.escalate', lang, to=step.to)}: {json.dumps(step.when, ensure_ascii=False)} — {step.because.get(lang)}"
                for step in spec.escalate
            ),
            f"{phrase('explain.message', lang)}: {spec.message.get(lang).strip()}",
            f"{phrase('explain.checklist', lang)}: {spec.checklist.get(lang)}",
            f"{phrase('explain.ask', lang)}: {spec.ask.get(lang)}",
            f"{phrase('explain.clause', lang)}: {spec.clause.get(lang)}",
        ]
        if spec.unstated:
            out.append(f"{phrase('explain.unstated', lang)}: {spec.unstated}")
        if not spec.waivable:
            out.append(phrase("explain.not_waivable", lang))
        for name, param in spec.parameters.items():
            out.append(f"{phrase('explain.parameter', lang)} {name} = {c.params[name]} "
                       f"({', '.join(param.choices)}): {param.about.get(lang)}")
        if spec.response:
            out.append(f"{phrase('explain.response', lang)}: "
                       f"{' / '.join(spec.response.must_mention)}")
    else:
        out += [f"{phrase('explain.derive', lang)}: {spec.derive}", f"{phrase('explain.note', lang)}: {spec.note.get(lang)}"]
    eff = spec.effective
    out.append(f"{phrase('explain.in_force', lang)}: {eff.from_ or '—'} .. {eff.until or '—'}")
    out.append(f"{phrase('explain.source', lang)}: {spec.source}")
    if spec.applies:
        out.append(f"{phrase('explain.applies', lang)}: {json.dumps(spec.applies, ensure_ascii=False, default=str)}")
    if spec.when:
        out.append(f"{phrase('explain.when', lang)}: {json.dumps(spec.when, ensure_ascii=False, default=str)}")
    for kind in ("fires", "passes"):
        for ex in getattr(spec.examples, kind):
            out.append(f"{phrase(f'explain.{kind}', lang)}: {json.dumps(ex, ensure_ascii=False, default=str)}")
    # each line as one line: a profile's text (a message, a reason) never starts a line of its own
    click.echo("\n".join(inert_line(line) for line in out))


@rules.command("coverage")
@click.option("--format", "fmt", type=click.Choice(["text", "md"]), default="text", show_default=True)
@LANG
@PROFILE
@handles_errors
def coverage_command(fmt: str, lang: str, profile: str | None) -> None:
    """Rules, example counts and scope (kinds of work, data locations) per topic; guideline statements
    without a rule, and general topics that cannot fire for data processing at the vendor's site (exit 1 if any).
    Statements whose rules the profile switched off are listed as set aside."""
    catalog = catalog_for(profile)
    cov = coverage(catalog)
    if fmt == "md":
        click.echo(markdown_table(cov))
    else:
        for line in scope_table(cov, catalog):
            click.echo(inert_line(line))
        click.echo(phrase("coverage.summary", statements=len(cov.statements), uncovered=len(cov.uncovered), gaps=len(cov.general_gaps)))
    for s in cov.uncovered:
        click.echo(inert_line(phrase("coverage.no_rule", id=s.id, text=s.text)))
    for statement_id, rule_id in cov.unknown:
        click.echo(inert_line(phrase("coverage.unknown_rule", rule=rule_id, statement=statement_id)))
    for topic in cov.general_gaps:
        click.echo(inert_line(phrase("coverage.general_gap", topic=topic)))
    for s in cov.set_aside:
        click.echo(inert_line(phrase("coverage.set_aside", id=s.id, text=s.text)))
    if cov.uncovered or cov.unknown or cov.general_gaps:
        sys.exit(ExitCode.FINDINGS)


@rules.command("lint")
@LANG
@PROFILE
@handles_errors
def lint_command(lang: str, profile: str | None) -> None:
    """Rules that can never fire, rules subsumed by another of the same topic, severity conflicts."""
    problems = lint(catalog_for(profile))
    for p in problems:
        click.echo(inert_line(p.describe()))
    click.echo(phrase("lint.count", count=len(problems)))
    if problems:
        sys.exit(ExitCode.FINDINGS)


@rules.command("diff")
@click.option(
    "--profile", "profiles", multiple=True, metavar="NAME|PATH",
    help="The two profiles to compare (given twice); given once, it is compared with the default.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@handles_errors
def diff_command(profiles: tuple[str, ...], fmt: str, lang: str) -> None:
    """What two profiles do differently: names, standard conditions, classification, rules applied,
    severities (with reasons), parameters and rule definitions. Exit 0 whether or not they differ."""
    from itaku.engine.profile_diff import diff_catalogs
    from itaku.engine.profiles import DEFAULT_PROFILE

    if not 1 <= len(profiles) <= 2:
        raise click.UsageError(phrase("error.diff_profiles", lang))
    first, second = (DEFAULT_PROFILE, *profiles) if len(profiles) == 1 else profiles
    a, b = catalog_for(first), catalog_for(second)
    differences = diff_catalogs(a, b, lang)
    if fmt == "json":
        names = [c.profile.id if c.profile else "-" for c in (a, b)]
        click.echo(json_text({
            "a": {"profile": first, "id": names[0]}, "b": {"profile": second, "id": names[1]},
            "differences": [d.__dict__ for d in differences],
        }, indent=2))
        return
    # a profile's names and reasons are shown as proposal values are: never a line of their own
    click.echo(f"A: {inert_line(first)}\nB: {inert_line(second)}")
    section = None
    for d in differences:
        if d.section != section:
            section = d.section
            click.echo(f"-- {phrase(f'diff.section.{section}', lang)}")
        click.echo(f"   {inert_line(d.subject)}\n      A: {inert_line(d.a)}\n      B: {inert_line(d.b)}")
    click.echo(phrase("diff.count", lang, count=len(differences)))
