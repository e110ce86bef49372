"""Everything written out: reports in each format, forms, TSM measures, docs."""
