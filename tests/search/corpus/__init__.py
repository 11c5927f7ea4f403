"""A small archive written for the search-quality test: short science-news articles and queries with answers.

corpus.py holds the texts (original, in the register of a regional science weekly); load.py turns them into
rows. Queries list the keys of the articles a reader looking for them must find.
"""
