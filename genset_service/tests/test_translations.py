"""The app in its users' languages on a real site: the compiled catalogues (locale/*.po, compiled to
.mo by `bench build` and the set-up script) are what Frappe translates with; a portal user whose
language is Chinese or Spanish gets the portal in it, and switching the language switches the page."""

import frappe
from frappe.translate import get_all_translations
from frappe.website.serve import get_response_content

from genset_service.tests.utils import TEST_IGNORE, GensetTestCase, make_delivered_unit, make_portal_user

test_ignore = TEST_IGNORE


class TestTranslations(GensetTestCase):
	def test_the_apps_catalogues_are_loaded_for_each_language(self):
		for lang, english in (
			("zh", "My Generators"),
			("es", "My Generators"),
			("ar", "Our visits in your calendar"),
			("fr", "Factory Test Certificate"),
			("pt", "Emergency Rescue"),
		):
			translated = get_all_translations(lang).get(english)
			self.assertTrue(translated, f"{lang}: {english}")
			self.assertNotEqual(translated, english, lang)

	def test_a_portal_users_language_switches_the_portal(self):
		unit = make_delivered_unit(self.genset)
		user = make_portal_user("i18n-portal@example.com", unit.customer)
		pages = {}
		for lang in ("zh", "es", "en"):
			frappe.db.set_value("User", user, "language", lang)
			frappe.set_user(user)
			frappe.local.lang = frappe.translate.get_user_lang(user)
			self.assertEqual(frappe.local.lang, lang)
			pages[lang] = get_response_content("my_gensets")
			frappe.set_user("Administrator")
		frappe.local.lang = "en"
		zh, es = get_all_translations("zh"), get_all_translations("es")
		self.assertIn(zh["My Generators"], pages["zh"])
		self.assertIn(es["My Generators"], pages["es"])
		self.assertIn("My Generators", pages["en"])
		for lang in ("zh", "es"):
			self.assertNotIn(">My Generators<", pages[lang].replace("\n", ""), lang)
		# the catalogue's services are translated as data too
		self.assertTrue(zh.get("Emergency Rescue") and zh["Emergency Rescue"] != "Emergency Rescue")
