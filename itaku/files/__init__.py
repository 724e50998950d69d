"""Reading input files and writing output files: the only code that touches the file system."""
