"""Excel output: checklists people fill in, and the proposal form with its reader."""
