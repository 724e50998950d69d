"""What every output shows, decided once below the renderers: the JSON view, the typed report view,
sources in words, rules in words, the list of outputs, repeatable Office files."""
