"""Strings of Django's admin and auth, and of django-simple-history's pages, that their own
Vietnamese catalogs lack (or, for "History", word misleadingly).

Never imported: ``makemessages`` reads the marked strings so that our catalog
(locale/vi, which Django merges with its own) translates them, and staff do not meet
English words such as "Show counts" in the admin.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

ADMIN = [
    gettext_noop("Skip to main content"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Sidebar"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Error:"),
    ngettext_lazy("entry", "entries", "counter"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]

# Django's own Vietnamese for these reads wrong to a civil servant: "Thêm vào tổ hòa giải"
# ("add into the team") for "Add mediation team", "Hoạt động:" ("activity") for the
# actions menu, "0 của 100 được chọn", "Bởi huyện" ("by" as in "written by") for a filter.
# Our catalog comes first (LOCALE_PATHS), so the same ids here take precedence. The
# selection counter the admin's JavaScript rewrites is in locale/vi/LC_MESSAGES/djangojs.po.
ADMIN_WORDING = [
    gettext_noop("Add %(name)s"),
    gettext_noop("Add"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Action:"),
    gettext_noop("Go"),
    gettext_noop("Run the selected action"),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Any date"),
    gettext_noop("Past 7 days"),
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("Welcome,"),
    gettext_noop("View site"),
]

AUTH = [
    gettext_noop("Set password"),
    gettext_noop("Set password: %s"),
    gettext_noop("Reset password"),
    gettext_noop("Password-based authentication"),
    gettext_noop("Password-based authentication was disabled."),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication for this user by setting a password."),
    gettext_noop("Enabled"),
    gettext_noop("Disabled"),
    gettext_noop("Conflicting form data submitted. Please try again."),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
]

HISTORY = [
    gettext_noop("History"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("You may edit it again below"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
]

CORE = [
    gettext_noop("Forbidden"),
    gettext_noop("CSRF verification failed. Request aborted."),
    gettext_noop("That page number is not an integer"),
    gettext_noop("That page number is less than 1"),
    gettext_noop("That page contains no results"),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("“%(value)s” value must be an integer."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Date out of range"),
    gettext_noop("Messages"),
]
