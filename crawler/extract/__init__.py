"""Extraction: a fetched page or a shop API's product -> one `Listing`, purely.

page        an HTML response -> Listing: tries each source below, best first
markup      which structured data a page holds (JSON-LD, microdata, RDFa, OpenGraph)
schema      schema.org Product nodes -> listing fields
selectors   a site profile's CSS/XPath selectors -> listing fields
heuristic   any page read as a buyer reads it (the last source; heuristic_walk,
            heuristic_parts, cues)
fields      normalisers every source shares: text, URLs, availability
prices      "$1,299.00", "1.299,00 €", "¥8800-23000" -> (amount, currency)
charsets    a page's text decoded right when its declared charset is missing or wrong
shop_apis   Shopify's products.json and WooCommerce's Store API -> Listing
"""
