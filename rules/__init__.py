"""The rule catalog: YAML data only. Packaged so an installed itaku finds its rules."""
