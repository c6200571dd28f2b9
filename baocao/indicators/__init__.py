"""Indicators (chỉ tiêu): the catalogue an outline asks for, number parsing, validation rules."""
