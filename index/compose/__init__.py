"""The composers: what turns a question model and its ranking into an `Answer` of verbatim quotes, one
module per intent of the decision table (index/query.py `ROWS`; issue 19 item 4, moved here from
index/answer.py step by step). `answers` holds the answer types they return, `shared` the loaded index
they read.
"""
