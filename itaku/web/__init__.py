"""The self-check page for departments: a local web application (`itaku serve`)."""
