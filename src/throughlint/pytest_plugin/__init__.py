"""The pytest plugin (entry point ``pytest11``): lint items and throughput budgets."""
