"""bench/ab"""
