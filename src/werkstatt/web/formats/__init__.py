"""Our own date and number formats per language (settings.FORMAT_MODULE_PATH).

Only languages whose Django defaults don't suit our European users have a module here; the
others (German) keep Django's.
"""
