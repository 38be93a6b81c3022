import pathlib
import sys

# the app package is importable without installing it (and without Frappe)
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
