"""PDF layout with reportlab: handouts, packets and generic documents, returned as bytes.

Never imports the database, SQLAlchemy or Qt: callers pass plain domain data.
"""
