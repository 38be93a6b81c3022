"""The disk buffer: every message waits here until the broker has acknowledged it, so that a reader
that loses the network, or is restarted, sends everything in order when it is back.

SQLite (the standard library's), in WAL mode: a message is a row with an increasing id; the sender takes
the oldest rows, publishes them and deletes them once acknowledged. The buffer holds at most
``max_messages``: past that the oldest are dropped, and counted (``dropped``), never silently. It also
keeps the reader's small memory (the alarms last sent as active) across restarts."""

import json
import sqlite3
import threading
import time


class Buffer:
	def __init__(self, path: str, max_messages: int = 200_000):
		self.path = path
		self.max_messages = max(1, int(max_messages))
		self.lock = threading.Lock()
		self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
		self.db.execute("PRAGMA journal_mode=WAL")
		self.db.execute("PRAGMA synchronous=NORMAL")
		self.db.execute(
			"CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL,"
			" payload BLOB NOT NULL, created REAL NOT NULL)"
		)
		self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

	# ------------------------------------------------------------------ messages
	def put(self, messages: list[tuple[str, bytes]]) -> int:
		"""Add messages (topic, payload) in one transaction; drop the oldest past the cap. Returns how
		many were dropped now."""
		if not messages:
			return 0
		now = time.time()
		with self.lock:
			self.db.execute("BEGIN IMMEDIATE")
			try:
				self.db.executemany(
					"INSERT INTO outbox (topic, payload, created) VALUES (?, ?, ?)",
					[(topic, payload, now) for topic, payload in messages],
				)
				dropped = self._trim()
				self.db.execute("COMMIT")
			except BaseException:
				self.db.execute("ROLLBACK")
				raise
		return dropped

	def _trim(self) -> int:
		(depth,) = self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()
		over = depth - self.max_messages
		if over <= 0:
			return 0
		self.db.execute("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)", (over,))
		self._add("dropped", over)
		return over

	def oldest(self, limit: int) -> list[tuple[int, str, bytes]]:
		with self.lock:
			return self.db.execute(
				"SELECT id, topic, payload FROM outbox ORDER BY id LIMIT ?", (limit,)
			).fetchall()

	def done(self, ids: list[int]) -> None:
		"""These were acknowledged by the broker: gone."""
		if not ids:
			return
		with self.lock:
			self.db.execute("BEGIN IMMEDIATE")
			self.db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])
			self._add("sent", len(ids))
			self.db.execute("COMMIT")

	def depth(self) -> int:
		with self.lock:
			return self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

	# ------------------------------------------------------------------ counters and memory
	def _add(self, key: str, amount: int) -> None:
		self.db.execute(
			"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET"
			" value = CAST(value AS INTEGER) + excluded.value",
			(key, str(amount)),
		)

	def counter(self, key: str) -> int:
		with self.lock:
			row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
		return int(row[0]) if row else 0

	def remember(self, key: str, value) -> None:
		with self.lock:
			self.db.execute(
				"INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
				(key, json.dumps(value)),
			)

	def recall(self, key: str, default=None):
		with self.lock:
			row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
		return json.loads(row[0]) if row else default

	def close(self) -> None:
		with self.lock:
			self.db.close()
