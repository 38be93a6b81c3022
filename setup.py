"""Legacy setuptools entry point; bench and pip build from pyproject.toml (flit)."""

from setuptools import find_packages, setup

from genset_service import __version__ as version

setup(
	name="genset_service",
	version=version,
	description="After-sales service for diesel generator sets on ERPNext: contracts, plans, warranty",
	author="genset_service developers",
	author_email="dev@genset-service.invalid",
	packages=find_packages(exclude=["tests"]),
	zip_safe=False,
	include_package_data=True,
	install_requires=[],
)
