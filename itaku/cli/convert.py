"""`itaku convert`: a proposal (a filled Excel form, YAML or JSON) written as YAML."""

from __future__ import annotations

from pathlib import Path

import click

from itaku.cli.common import LANG, PROFILE, catalog_for, handles_errors, run_inputs
from itaku.engine.errors import InputError
from itaku.engine.wording import phrase
from itaku.files.reading import load_proposal
from itaku.files.writing import check_target, write_bytes_atomic
from itaku.outputs import render
from itaku.present.formats import BY_KEY


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "output", required=True, metavar="OUT",
    help="The .yaml file to write (atomically; never the input). '-' writes to standard output.",
)
@LANG
@PROFILE
@handles_errors
def convert(source: Path, output: str, lang: str, profile: str | None) -> None:
    """Write the proposal SOURCE (a filled Excel form, YAML or JSON) as YAML: what it states, in the
    order of the format; the same file the self-check page saves as 提案書（YAML）. A form's choices
    are read as the profile names the municipality (市 as well as 区 under a city's profile)."""
    target = None if output == "-" else Path(output)
    inputs = run_inputs([source], profile=profile)
    if target is not None:
        if target.suffix.lower() not in BY_KEY["yaml"].suffixes:
            raise InputError(output, None, phrase("error.output_yaml_suffix"))
        check_target(target, inputs)
    catalog = catalog_for(profile)
    data = render("yaml", [], catalog, lang, proposal=load_proposal(source, catalog=catalog))
    if target is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_bytes_atomic(target, data, inputs)
