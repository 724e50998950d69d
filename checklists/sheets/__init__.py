"""The checklists, one module each; every one reads Evaluations and nothing else."""
