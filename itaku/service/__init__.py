"""Evaluating proposals as every front end does: the command line, screening and the web page."""
