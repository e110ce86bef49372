"""Tests of the code_2020 pack (the 2020 Code as revised in 2022)."""
