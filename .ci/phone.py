"""What the browser checks do on the engineer's phone app, shared by portal_check.py and
field_check.py."""


def sign(page) -> None:
	"""The customer signs on the visit's signature pad: a zigzag across it."""
	page.locator("#signature").scroll_into_view_if_needed()
	box = page.locator("#signature").bounding_box()
	page.mouse.move(box["x"] + 20, box["y"] + 70)
	page.mouse.down()
	for step in range(1, 12):
		page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 70 + (20 if step % 2 else -20))
	page.mouse.up()
