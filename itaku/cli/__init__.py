"""The `itaku` command line: thin click commands over the layers below."""
