"""Requests for information and objections, and the working-day calendar they run on."""
