"""Every output itaku writes, made in one place from evaluations, given its key in the registry
(itaku/present/formats.py): the command line, screening and the web page (handed `render` by whoever starts
it) all call `render`, never a renderer."""

from itaku.outputs.rendering import Job, applies, maker, register_record, render

__all__ = ["Job", "applies", "maker", "register_record", "render"]
