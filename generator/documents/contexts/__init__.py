"""One context builder per document kind: data in, the values its template needs out."""
