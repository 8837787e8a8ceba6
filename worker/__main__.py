"""``python -m worker [--burst] [--with-scheduler/--without-scheduler] [--health]``."""

from .main import main

main()
