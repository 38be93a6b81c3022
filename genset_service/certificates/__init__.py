"""Certificates people accept: the factory load test as a table (load_test.py, pure) and the print
formats' helpers on the site (site.py)."""
