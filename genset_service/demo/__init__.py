"""The demo: ``bench --site <site> genset-service demo`` (and ``--remove``).

``spec.py`` is what the demo holds, as data; ``make.py`` makes it through the app's own paths;
``remove.py`` takes it away again; ``states.py`` reads which states each service shows; ``run.py``
is the bench command's body. Only ``spec.py`` is pure."""
