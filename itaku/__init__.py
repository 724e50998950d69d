"""itaku (委託審査): review of outsourcing proposals that handle personal information.

Layers, top to bottom (each imports only those below it; `make test` checks this with import-linter):

    itaku.cli          the click commands
    itaku.screening    batch screening of a folder
    itaku.files        reading inputs (choosing the reader by suffix) and writing outputs atomically
    itaku.checklists   Excel workbooks: the proposal form and its reader, the checklists
    itaku.reports      text, JSON, Markdown and HTML renderings of an Evaluation
    itaku.engine       models, parsing, the rule catalog, evaluation on durable_rules
    itaku.rules        the rule catalog as YAML data
"""
