"""Batch screening: a folder of proposals evaluated in worker processes, one result file each and a summary."""
