"""The figures of a load run (benchmark k) as a Markdown table: per kind of request, the requests,
throughput, p50 / p95 / p99 and errors, from Locust's ``--csv <prefix>`` files.

    python3 benchmarks/load_report.py <prefix>
"""

import csv
import sys


def seconds(ms: str) -> str:
	return f"{float(ms) / 1000:.2f}"


def table(prefix: str) -> str:
	lines = [
		"| Request | Requests | per s | p50 s | p95 s | p99 s | Errors |",
		"|---------|---------:|------:|------:|------:|------:|-------:|",
	]
	for row in csv.DictReader(open(f"{prefix}_stats.csv")):
		name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
		lines.append(
			f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.2f} | {seconds(row['50%'])} | "
			f"{seconds(row['95%'])} | {seconds(row['99%'])} | {row['Failure Count']} |"
		)
	return "\n".join(lines)


if __name__ == "__main__":
	print(table(sys.argv[1]))
