"""The service door: `lexwatch run` schedules crawls and digests (scheduler.daemon)."""
