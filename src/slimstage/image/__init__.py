"""Reading container images as streams: tar members, layers, archives in every layout."""
