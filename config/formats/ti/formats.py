# Django has no formats for this portal language: config/formats/portal.py.
from config.formats.portal import *  # noqa: F403
