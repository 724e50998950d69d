"""itaku tests."""
