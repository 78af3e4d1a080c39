"""Widgets shared by several pages: the level meter, the message bar, a text browser that never loads resources."""
