"""Scheduled jobs and analytics: plain functions run by the scheduler and by `flask jobs`."""
