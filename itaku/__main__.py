"""`python -m itaku`: the same as the `itaku` command."""

from itaku.cli.main import main

main()
