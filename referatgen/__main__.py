import sys

from ._cli import main

# Guarded: the PDF worker's fresh interpreter (`spawn`) imports this module again.
if __name__ == "__main__":
    sys.exit(main())
