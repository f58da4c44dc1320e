"""fingerprints"""
