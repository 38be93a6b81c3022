import sys

from genset_edge.main import main

sys.exit(main())
