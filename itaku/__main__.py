"""`python -m itaku`: the same as the `itaku` command."""

from itaku.cli.run import run

run()
