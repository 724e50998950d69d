"""Rendering Evaluations for people and pipelines: terminal text, JSON, Markdown and HTML."""
