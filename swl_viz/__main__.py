"""``python -m swl_viz`` runs the same command line as ``swl-viz``."""

from swl_viz.cli import main

raise SystemExit(main())
