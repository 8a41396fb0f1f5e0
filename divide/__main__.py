"""``python -m divide`` runs the command line."""

import sys

from divide.cli.app import main

sys.exit(main())
