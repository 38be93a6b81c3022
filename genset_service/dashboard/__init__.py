"""The numbers behind the Genset Service workspace: computed number cards and chart sources. Each
method checks the caller is a manager of the service and answers from the report that explains it."""
